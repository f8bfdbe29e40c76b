"""The route for mail to our own addresses: bounces and mailto: unsubscribes.

It takes two kinds of recipient, each only with a valid signed token: `bounces+<token>@`
(bounces and complaint reports, recorded against the row) and `unsubscribe+<token>@` (the
List-Unsubscribe mailto: of a marketing row, which unsubscribes that row's recipient whatever
the message says). Mounted alone by `manage.py bounces`, where any other recipient gets 550
5.1.1, and first in the list of the forwarding service.
"""

from __future__ import annotations

from clientela.mail.bounce import bounce_process
from clientela.mail.inbound.routes import (
    ACCEPT,
    NO_SUCH_USER,
    NOT_MINE,
    Inbound,
    InboundHandler,
    RcptAnswer,
)
from clientela.mail.models import Outbox
from clientela.mail.signals import unsubscribe_requested
from clientela.mail.verp import (
    outbox_id_from_bounce_address,
    outbox_id_from_unsubscribe_address,
)


def _process(raw: bytes, recipients: list[str]) -> None:
    bounces = [r for r in recipients if outbox_id_from_bounce_address(r) is not None]
    for recipient in recipients:
        outbox_id = outbox_id_from_unsubscribe_address(recipient)
        if outbox_id is not None:
            # Outreach owns what unsubscribing means (consents, lists): it acts on this.
            unsubscribe_requested.send(sender=Outbox, outbox_id=outbox_id)
    if bounces:
        bounce_process(raw, recipients=bounces)


class BounceRoute:
    name = "bounces"

    def rcpt(self, address: str) -> RcptAnswer:
        ours = outbox_id_from_bounce_address(address) or outbox_id_from_unsubscribe_address(address)
        return NOT_MINE if ours is None else ACCEPT

    def deliver(self, message: Inbound) -> str:
        _process(message.raw, list(message.recipients))
        return "250 2.0.0 recorded"


class BounceHandler(InboundHandler):
    """The bounce route alone (`manage.py bounces`)."""

    def __init__(self) -> None:
        super().__init__([BounceRoute()], unclaimed=NO_SUCH_USER)
