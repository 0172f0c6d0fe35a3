"""A fake 云MAS text-message gateway on a loopback port: it checks the request as the real one
does (base64 JSON, the ``mac``), and accepts, refuses, fails or hangs, as the test says."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "gateway-secret"


class Gateway:
    ACCEPT, REFUSE, ERROR, HANG = "accept", "refuse", "error", "hang"

    def __init__(self) -> None:
        self.mode = self.ACCEPT
        self.hang_seconds = 1.5
        self.received: list[dict] = []  # the accepted submissions, decoded
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms/norsubmit"

    def start(self) -> Gateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, body: bytes) -> tuple[int, dict]:
        if self.mode == self.HANG:
            time.sleep(self.hang_seconds)
        if self.mode == self.ERROR:
            return 500, {"error": "internal"}
        fields = json.loads(base64.b64decode(body))
        signed = "".join(
            [fields["ecName"], fields["apId"], SECRET, fields["mobiles"], fields["content"]]
            + [fields["sign"], fields["addSerial"]]
        )
        if fields["mac"] != hashlib.md5(signed.encode(), usedforsecurity=False).hexdigest():
            return 200, {"rspcod": "IllegalMac", "success": False}
        if self.mode == self.REFUSE:
            return 200, {"rspcod": "InvalidUsrOrPwd", "success": False}
        self.received.append(fields)
        return 200, {
            "rspcod": "success",
            "msgGroup": f"group-{len(self.received)}",
            "success": True,
        }

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, answer = gateway.answer(body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        return Handler
