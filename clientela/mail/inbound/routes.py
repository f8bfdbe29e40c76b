"""The routing of one inbound SMTP service: a short list of routes, asked in order.

Each route answers for the recipients it knows (`rcpt`) and takes the message for them
(`deliver`). The handler refuses every relay form before any route is asked
(`clientela.mail.inbound.address`), lets the first route that claims an address decide, and
refuses with 550 5.7.1 an address no route claims. One message goes to one route: a
recipient of a second route gets 452 (RFC 5321 4.5.3.1.10: the client sends it again in a
new transaction), so a message is never half-delivered when the second route fails.

Adding a route (the inbox's support address, wired where both apps are visible) is one class
with these two methods and one entry in the list given to `InboundHandler`.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from django.db import connections

from clientela.mail.inbound.address import bare_line_ending, relay_refusal

# RFC 3463 codes, spelled once.
RELAY_DENIED = "550 5.7.1 relaying denied"
NO_SUCH_USER = "550 5.1.1 no such mailbox here"
ONE_ROUTE = "452 4.5.3 send this recipient in a separate message"
BARE_NEWLINE = "554 5.6.0 bare LF or CR in message; lines must end in CRLF"
ACCEPTED = "250 2.1.5 OK"


class Claim(Enum):
    NOT_MINE = "not_mine"  # ask the next route
    UNKNOWN = "unknown"  # our domain, but no such mailbox: 550 5.1.1
    ACCEPT = "accept"


@dataclass(frozen=True)
class RcptAnswer:
    claim: Claim
    reply: str = ""  # overrides the default reply of the claim (e.g. a 452 rate limit)


NOT_MINE = RcptAnswer(Claim.NOT_MINE)
UNKNOWN = RcptAnswer(Claim.UNKNOWN)
ACCEPT = RcptAnswer(Claim.ACCEPT)


@dataclass(frozen=True)
class Inbound:
    """One message as received: the raw bytes (only CRLF line ends), the envelope, the peer."""

    raw: bytes
    mail_from: str
    recipients: tuple[str, ...]
    peer_ip: str
    helo: str


class Route(Protocol):
    name: str

    def rcpt(self, address: str) -> RcptAnswer:
        """Whether this route takes mail for `address` (sync: may read the database)."""
        ...

    def deliver(self, message: Inbound) -> str:
        """Store the message for its recipients and return the SMTP reply to DATA.

        Return 250 only once the message is committed: the client forgets it on 250.
        """
        ...


# The routes' database work runs on these few threads, whose Django connections stay open
# between calls: opening one per RCPT and per DATA cost more than the routes' queries.
DB_THREADS = 2
_db_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="smtp-db")


def _release_connections() -> None:
    """Keep the thread's connections for the next call unless one is unusable or was left
    inside a transaction (a route never leaves one open; if it did, closing rolls it back)."""
    for conn in connections.all(initialized_only=True):
        broken = conn.errors_occurred and not conn.is_usable()
        if broken or conn.in_atomic_block or not conn.get_autocommit():
            conn.close()
        conn.errors_occurred = False


def _in_thread(function: Any, *args: Any) -> Any:
    def run() -> Any:
        try:
            return function(*args)
        finally:
            _release_connections()

    return asyncio.get_running_loop().run_in_executor(_db_pool, run)


class InboundHandler:
    """aiosmtpd's handler over a list of routes (hook names are aiosmtpd's)."""

    def __init__(self, routes: list[Route], *, unclaimed: str = RELAY_DENIED) -> None:
        self.routes = list(routes)
        self.unclaimed = unclaimed

    def _route(self, name: str) -> Route:
        return next(route for route in self.routes if route.name == name)

    def _claim(self, address: str) -> tuple[str | None, str]:
        for route in self.routes:
            answer = route.rcpt(address)
            if answer.claim is Claim.NOT_MINE:
                continue
            if answer.claim is Claim.UNKNOWN:
                return None, answer.reply or NO_SUCH_USER
            return route.name, answer.reply or ACCEPTED
        return None, self.unclaimed

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        refusal = relay_refusal(address)
        if refusal:
            return refusal
        claimed: tuple[str | None, str] = await _in_thread(self._claim, address)
        name, reply = claimed
        if name is None or not reply.startswith("2"):
            return reply
        taken = getattr(envelope, "clientela_route", None)
        if taken is not None and taken != name:
            return ONE_ROUTE
        envelope.clientela_route = name
        envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or b"")
        if bare_line_ending(raw):
            # aiosmtpd ends DATA only at <CRLF>.<CRLF>, so `<LF>.<CR><LF>` cannot split one
            # message in two here; but a relay after us may read it differently, and
            # smtplib would rewrite the line ends and break the sender's DKIM body hash.
            return BARE_NEWLINE
        route = self._route(envelope.clientela_route)
        message = Inbound(
            raw=raw,
            mail_from="" if envelope.mail_from in (None, "<>") else envelope.mail_from,
            recipients=tuple(envelope.rcpt_tos),
            peer_ip=str((session.peer or ("",))[0]),
            helo=str(session.host_name or ""),
        )
        reply: str = await _in_thread(route.deliver, message)
        return reply
