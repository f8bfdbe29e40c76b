"""An aiosmtpd handler that takes bounces for our VERP addresses and records them.

Mounted by `manage.py bounces --port N` (loopback by default), and usable by the forwarding
SMTP service: it answers 550 for any recipient that is not a valid signed bounce address.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from clientela.outreach.delivery.bounce import bounce_process
from clientela.outreach.delivery.verp import outbox_id_from_bounce_address


def _process(raw: bytes, recipients: list[str]) -> None:
    close_old_connections()
    try:
        bounce_process(raw, recipients=recipients)
    finally:
        close_old_connections()


class BounceHandler:
    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if outbox_id_from_bounce_address(address) is None:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        await sync_to_async(_process, thread_sensitive=False)(bytes(raw), list(envelope.rcpt_tos))
        return "250 2.0.0 bounce recorded"
