"""What the forwarding service refuses at RCPT: the relay forms, unknown mailboxes, and a
second route in one message. Real SMTP on loopback; each case asserts the exact reply."""

from __future__ import annotations

import pytest

from tests.forwarding.conftest import ALIAS
from tests.forwarding.objects import DOMAIN

pytestmark = pytest.mark.django_db(transaction=True)

RELAY = (550, b"5.7.1 relaying denied: address form not accepted")
DENIED = (550, b"5.7.1 relaying denied")
MALFORMED = (553, b"5.1.3 Error: malformed address")

VARIANTS = {
    "percent hack": (f"<ana%other.example@{DOMAIN}>", RELAY),
    "double percent hack": (f"<ana%b.example%other.example@{DOMAIN}>", RELAY),
    "percent hack, upper case": (f"<ANA%OTHER.EXAMPLE@{DOMAIN.upper()}>", RELAY),
    "bang path": (f"<other.example!ana@{DOMAIN}>", RELAY),
    "two-hop bang path": (f"<a.example!b.example!ana@{DOMAIN}>", RELAY),
    "source route to us": (f"<@relay.example,@b.example:ana@{DOMAIN}>", RELAY),
    "source route through us": (f"<@{DOMAIN}:ana@other.example>", RELAY),
    "quoted local part hiding an @": (f'<"ana@other.example"@{DOMAIN}>', RELAY),
    "quoted plain local part": (f'<"ana"@{DOMAIN}>', RELAY),
    "quoted percent hack": (f'<"ana%other.example"@{DOMAIN}>', RELAY),
    "IPv4 literal": ("<ana@[192.0.2.1]>", RELAY),
    "IPv6 literal": ("<ana@[IPv6:2001:db8::1]>", RELAY),
    "loopback literal": ("<postmaster@[127.0.0.1]>", RELAY),
    "foreign domain": ("<ana@other.example>", DENIED),
    "our domain as a prefix": (f"<ana@{DOMAIN}.other.example>", DENIED),
    "the parent domain": ("<ana@alice.example>", DENIED),
    "a sub-domain": (f"<ana@sub.{DOMAIN}>", DENIED),
    "dotless host": ("<ana@localhost>", RELAY),
    "empty": ("<>", RELAY),
    "nothing at all": ("", RELAY),
    "oversized local part": (f"<{'a' * 65}@{DOMAIN}>", RELAY),
    "oversized address": (f"<ana@{'a' * 60}.{'b' * 60}.{'c' * 60}.{'d' * 60}.example>", RELAY),
    "non-ASCII local part": (f"<ană@{DOMAIN}>", RELAY),
    "local part with a space": (f'<"a b"@{DOMAIN}>', RELAY),
    "unclosed bracket": (f"<ana@{DOMAIN}", RELAY),
    "two at signs": (f"<ana@@{DOMAIN}>", MALFORMED),
}


@pytest.mark.parametrize("argument, expected", VARIANTS.values(), ids=list(VARIANTS))
def test_relay_attempts_are_refused_at_rcpt(service, alias, argument, expected):
    with service.smtp() as smtp:
        smtp.mail("sender@example.org")
        smtp.send(f"RCPT TO:{argument}\r\n".encode())  # as typed, UTF-8 included
        assert smtp.getreply() == expected
        # The alias itself is still taken in the same session: the refusal was for the form.
        assert smtp.rcpt(f"<{ALIAS}>") == (250, b"2.1.5 OK")


def test_an_unknown_or_revoked_alias_is_550_5_1_1(service, alias):
    from clientela.forwarding.services import alias_revoke

    with service.smtp() as smtp:
        smtp.mail("sender@example.org")
        assert smtp.rcpt(f"<nobody@{DOMAIN}>") == (550, b"5.1.1 no such mailbox here")
        assert smtp.rcpt(f"<ANA@{DOMAIN}>") == (250, b"2.1.5 OK")  # local parts without case
    alias_revoke(alias=alias, actor=None, reason="test")
    with service.smtp() as smtp:
        smtp.mail("sender@example.org")
        assert smtp.rcpt(f"<{ALIAS}>") == (550, b"5.1.1 no such mailbox here")


def test_an_alias_of_another_workspaces_domain_is_not_confused_with_ours(service, alias, cast):
    from clientela.customers.services import customer_create
    from tests.forwarding.objects import alias_for, forwarding_domain

    forwarding_domain(cast.other_shop, "client.bob.example")
    bob = customer_create(workspace=cast.other_shop, actor=None, email="b@inbox.example")
    alias_for(bob, local_part="bob")
    with service.smtp() as smtp:
        smtp.mail("sender@example.org")
        assert smtp.rcpt(f"<bob@{DOMAIN}>")[0] == 550
        assert smtp.rcpt("<ana@client.bob.example>")[0] == 550
        assert smtp.rcpt("<bob@client.bob.example>") == (250, b"2.1.5 OK")
        # Both are the forwarding route: one message may go to both.
        assert smtp.rcpt(f"<{ALIAS}>") == (250, b"2.1.5 OK")


def test_a_second_kind_of_recipient_waits_for_its_own_message(service, alias, settings):
    from clientela.mail.verp import unsubscribe_mailto

    mailto = unsubscribe_mailto(1).removeprefix("mailto:").split("?")[0]
    with service.smtp() as smtp:
        smtp.mail("sender@example.org")
        assert smtp.rcpt(f"<{ALIAS}>") == (250, b"2.1.5 OK")
        assert smtp.rcpt(f"<{mailto}>") == (452, b"4.5.3 send this recipient in a separate message")
