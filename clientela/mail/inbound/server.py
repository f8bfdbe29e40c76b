"""The aiosmtpd server all our inbound services run on, and how a command runs one.

`GuardedSMTP` refuses on the raw command, with 550 5.7.1, what the address parser would
smooth over: a source route (it would hand the last hop to the routes), a quoted local part
(`"ana"@us` would become `ana@us`), an unclosed `<`, and an empty recipient. It also limits
the size of a message. aiosmtpd >= 1.4.5 ends DATA only at
<CRLF>.<CRLF> (CVE-2024-27305), which our handler relies on (see `routes.InboundHandler`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from clientela.mail.inbound.address import RELAY_FORM, source_routed

DEFAULT_SIZE_LIMIT = 25 * 1024 * 1024


class GuardedSMTP(SMTP):
    async def smtp_RCPT(self, arg: str | None) -> None:
        value = (arg or "")[3:] if (arg or "")[:3].upper() == "TO:" else ""
        started = self.envelope is not None and self.envelope.mail_from is not None
        # No mailbox of ours is quoted: a quote only hides another address ("a@b"@us).
        odd = '"' in value or (value.lstrip().startswith("<") and ">" not in value)
        if started and (value.strip() in {"", "<>"} or odd or source_routed(value)):
            await self.push(RELAY_FORM)
            return
        await super().smtp_RCPT(arg)


class InboundController(Controller):
    def __init__(self, handler: Any, *, size_limit: int = DEFAULT_SIZE_LIMIT, **kwargs: Any):
        super().__init__(handler, data_size_limit=size_limit, **kwargs)

    def factory(self) -> SMTP:
        return GuardedSMTP(self.handler, **self.SMTP_kwargs)


def serve(
    handler: Any, *, host: str, port: int, announce: Callable[[str], None], size_limit: int
) -> None:
    """Run until SIGTERM or Ctrl-C (the shape of every inbound command)."""
    controller = InboundController(handler, hostname=host, port=port, size_limit=size_limit)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    controller.start()
    announce(f"Listening for SMTP on {host}:{port}")
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
