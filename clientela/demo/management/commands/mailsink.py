"""`clientela mailsink`: a local SMTP server that keeps every message as an .eml file."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from clientela.demo.mailsink import mailsink_start


class Command(BaseCommand):
    help = "Receive mail on 127.0.0.1 and store it under DATA_DIR/mailsink/ (nothing is relayed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        directory = settings.DATA_DIR / "mailsink"
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        # aiosmtpd logs every connection at INFO: too chatty beside the other processes.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        controller = mailsink_start(directory=directory, host="127.0.0.1", port=port)
        self.stdout.write(f"mailsink: listening on 127.0.0.1:{port}, keeping mail in {directory}")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
        self.stdout.write("mailsink: stopped")
