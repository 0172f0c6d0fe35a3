"""A real SMTP server for the tests, on a loopback port (aiosmtpd): it accepts, refuses or
hangs, as the test says, and keeps what it accepted."""

from __future__ import annotations

import asyncio
import socket
from email import message_from_bytes, policy
from email.message import Message

from aiosmtpd.controller import Controller


class SmtpSink:
    ACCEPT, REFUSE, HANG = "accept", "refuse", "hang"

    def __init__(self, hang_seconds: float) -> None:
        self.mode = self.ACCEPT
        self.hang_seconds = hang_seconds
        self.received: list[Message] = []
        self.conversations = 0  # mails offered (DATA), whatever the answer
        self.on_data = None  # called (in the server's thread) when a mail is offered

    async def handle_DATA(self, server, session, envelope) -> str:
        self.conversations += 1
        if self.on_data:
            self.on_data()
        if self.mode == self.REFUSE:
            return "554 5.3.0 Refused by the test"
        if self.mode == self.HANG:
            await asyncio.sleep(self.hang_seconds)
            return "451 4.3.0 Too late"
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def recipients(self) -> list[str]:
        return [m["To"] for m in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(sink: SmtpSink) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
