"""An aiosmtpd handler for mail to our own addresses: bounces and mailto: unsubscribes.

Mounted by `manage.py bounces --port N` (loopback by default), and usable by the forwarding
SMTP service. It accepts two kinds of recipient, each only with a valid signed token:
`bounces+<token>@` (bounces and complaint reports, recorded against the row) and
`unsubscribe+<token>@` (the List-Unsubscribe mailto: of a marketing row, which unsubscribes
that row's recipient whatever the message says). Any other recipient gets 550.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from clientela.mail.bounce import bounce_process
from clientela.mail.models import Outbox
from clientela.mail.signals import unsubscribe_requested
from clientela.mail.verp import (
    outbox_id_from_bounce_address,
    outbox_id_from_unsubscribe_address,
)


def _process(raw: bytes, recipients: list[str]) -> None:
    close_old_connections()
    try:
        bounces = [r for r in recipients if outbox_id_from_bounce_address(r) is not None]
        for recipient in recipients:
            outbox_id = outbox_id_from_unsubscribe_address(recipient)
            if outbox_id is not None:
                # Outreach owns what unsubscribing means (consents, lists): it acts on this.
                unsubscribe_requested.send(sender=Outbox, outbox_id=outbox_id)
        if bounces:
            bounce_process(raw, recipients=bounces)
    finally:
        close_old_connections()


class BounceHandler:
    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        ours = outbox_id_from_bounce_address(address) or outbox_id_from_unsubscribe_address(address)
        if ours is None:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        await sync_to_async(_process, thread_sensitive=False)(bytes(raw), list(envelope.rcpt_tos))
        return "250 2.0.0 recorded"
