"""``manage.py reencrypt``: rewrite every encrypted value under the newest data key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from petitions import crypto, rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt petitioners' data (and recompute its lookup hashes) under the newest key "
        "of PETITIONER_DATA_KEY, history included. In batches, each committed on its own: "
        "safe to interrupt and run again. Put the new key first in PETITIONER_DATA_KEY on "
        "every node and restart them before running it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=rotation.BATCH_SIZE,
            help="Rows per transaction (default %(default)s).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring = crypto.current_ring()
        self.stdout.write(f"Re-encrypting under data key {ring.newest.fingerprint}.")
        outcome = rotation.reencrypt_all(self._progress, batch_size)
        if outcome.remaining:
            raise CommandError(
                f"{outcome.remaining} rows were written under an older key meanwhile: is a "
                "process still running with the old configuration? Restart it and run again."
            )
        self.stdout.write(self.style.SUCCESS(f"Every record is under key {outcome.newest}."))
        if outcome.retired:
            retired = ", ".join(outcome.retired)
            self.stdout.write(
                f"Retired keys: {retired}. Nothing in the database uses them any more: they "
                "may be removed from PETITIONER_DATA_KEY, but keep them with the backups "
                "taken before now, which still need them to be read."
            )

    def _progress(self, progress: rotation.Progress) -> None:
        self.stdout.write(
            f"{progress.model}: {progress.done}/{progress.total} rows checked, "
            f"{progress.rewritten} re-encrypted"
        )
