"""The inbound SMTP service's routes: bounces, the support addresses, aliases.

The service (`manage.py forwarding`) runs `InboundHandler(service_routes())`: mail's own
route for bounces and unsubscribes first, then bounces to our SRS addresses, then each
workspace's support address (its messages go to the inbox), then the aliases. Forwarding
sits above the inbox, so the support route lives here, where both apps are visible.
"""

from __future__ import annotations

import hashlib

from clientela.accounts.scoping import settings_for
from clientela.forwarding.forward import active_alias, forward_message, rate_exhausted, srs_for
from clientela.forwarding.models import ForwardingDomain, ForwardingSettings
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.receive import message_receive, workspace_for_support_address
from clientela.mail.inbound.address import split_address
from clientela.mail.inbound.bounces import BounceRoute
from clientela.mail.inbound.routes import (
    ACCEPT,
    NOT_MINE,
    UNKNOWN,
    Claim,
    Inbound,
    RcptAnswer,
    Route,
)
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.mail.srs import SrsError
from clientela.mail.tasks import outbox_wake

RATE_AT_RCPT = "452 4.2.1 too much mail for this address now, try later"


def _ours(domain: str) -> ForwardingDomain | None:
    return ForwardingDomain.objects.select_related("workspace").filter(domain=domain).first()


def _is_srs(local: str) -> bool:
    return local[:5].upper() in {"SRS0=", "SRS1=", "SRS0+", "SRS1+", "SRS0-", "SRS1-"}


class AliasRoute:
    """Active aliases on a workspace's forwarding domains; 550 5.1.1 for any other mailbox
    on those domains."""

    name = "forwarding"

    def rcpt(self, address: str) -> RcptAnswer:
        local, domain = split_address(address)
        if _is_srs(local) or _ours(domain) is None:
            return NOT_MINE
        alias = active_alias(address)
        if alias is None:
            return UNKNOWN
        limit = settings_for(ForwardingSettings, alias.workspace).rate_per_hour
        if rate_exhausted(alias, limit):
            return RcptAnswer(Claim.ACCEPT, RATE_AT_RCPT)
        return ACCEPT

    def deliver(self, message: Inbound) -> str:
        return forward_message(message)


class SrsBounceRoute:
    """A bounce of forwarded mail, to `SRS0=...@our domain`: sent back to the original
    sender with the null sender. Only a valid, recent SRS address is taken, so nobody can
    use it to relay: the hash needs our key."""

    name = "srs"

    def rcpt(self, address: str) -> RcptAnswer:
        local, domain = split_address(address)
        if not _is_srs(local) or _ours(domain) is None:
            return NOT_MINE
        try:
            srs_for(domain).reverse(f"{local}@{domain}")
        except SrsError:
            return UNKNOWN
        return ACCEPT

    def deliver(self, message: Inbound) -> str:
        if message.mail_from:
            # Only bounces (null sender) go back this way: anything else would be a relay.
            return "550 5.7.1 only bounces are accepted for this address"
        stored = 0
        for recipient in message.recipients:
            local, domain = split_address(recipient)
            found = _ours(domain)
            if found is None:
                continue
            try:
                back = srs_for(domain).reverse(f"{local}@{domain}")
            except SrsError:
                continue  # it grew too old between RCPT and DATA
            row = (
                outbox_enqueue(
                    workspace=found.workspace,
                    draft=OutboxDraft(
                        to_address=back,
                        subject="",
                        body_text="",
                        kind=OutboxKind.TRANSACTIONAL,
                        source_type="srs_bounce",
                        source_id=None,
                        dedup_key=f"srs:{recipient}:{hashlib.sha256(message.raw).hexdigest()}"[
                            :300
                        ],
                        raw_message=message.raw,
                        envelope_sender="",
                    ),
                )
                if "@" in back
                else None
            )
            stored += row is not None
        if stored:
            outbox_wake()
        return "250 2.0.0 returned"


class SupportRoute:
    """Mail to a workspace's support address: a message in its inbox, on the waiting clock."""

    name = "inbox"

    def rcpt(self, address: str) -> RcptAnswer:
        return ACCEPT if workspace_for_support_address(address) is not None else NOT_MINE

    def deliver(self, message: Inbound) -> str:
        workspace = workspace_for_support_address(message.recipients[0])
        if workspace is None:  # the address was removed between RCPT and DATA
            return "450 4.2.1 mailbox unavailable now, try later"
        try:
            message_receive(
                workspace=workspace,
                raw=message.raw,
                channel="email",
                envelope_from=message.mail_from or None,
                remote_ip=message.peer_ip or None,
            )
        except InboxError as error:
            return f"554 5.6.0 {error}"
        return "250 2.0.0 received"


def service_routes() -> list[Route]:
    return [BounceRoute(), SrsBounceRoute(), SupportRoute(), AliasRoute()]
