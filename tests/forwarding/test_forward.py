"""Mail to an alias, end to end over real SMTP: stored, sent to the customer's mailbox at the
recording relay with an SRS envelope and the sender's bytes and DKIM signature intact; loops,
limits, smuggling, bounces back through SRS, and the opt-out link."""

from __future__ import annotations

import base64
import subprocess
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import dkim
import pytest
from django.test import Client

from clientela.forwarding.forward import MARKER, OPT_OUT, srs_for
from clientela.forwarding.models import Alias, AliasStatus, ForwardingSettings
from clientela.mail.models import Outbox, OutboxStatus, SuppressionReason
from clientela.mail.services import suppression_add
from clientela.timeline.models import Event
from tests.forwarding.conftest import ALIAS, send_all
from tests.forwarding.objects import DOMAIN

pytestmark = pytest.mark.django_db(transaction=True)

SENDER = "maria@sender.example"


def letter(subject: str = "Bună ziua", body: str = "Comanda mea a sosit?\n", **extra: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Maria <{SENDER}>"
    message["To"] = ALIAS
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="sender.example")
    message["Date"] = "Sun, 06 Dec 2026 10:00:00 +0200"
    for name, value in extra.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


@pytest.fixture(scope="module")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    key_file = Path(tmp_path_factory.mktemp("dkim")) / "key.pem"
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(key_file), "2048"],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key_file), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key_file.read_bytes(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_a_signed_letter_reaches_the_customer_with_srs_and_its_signature_intact(
    service, sink, alias, dkim_key
):
    private, record = dkim_key
    original = letter()
    signed = dkim.sign(
        original, b"s1", b"sender.example", private, canonicalize=(b"relaxed", b"simple")
    )
    signed += original

    with service.smtp() as smtp:
        assert smtp.sendmail(SENDER, [ALIAS], signed) == {}
    # 250 came after the row was stored: it is there before anything is sent.
    row = Outbox.objects.get(source_type="alias", source_id=alias.pk)
    assert (row.to_address, row.status, row.subject) == ("ana@inbox.example", "queued", "Bună ziua")
    assert send_all() == 1

    [got] = sink.handler.received
    assert got.recipients == ("ana@inbox.example",)
    assert got.sender.startswith("SRS0=") and got.sender.endswith(f"=sender.example=maria@{DOMAIN}")
    assert srs_for(DOMAIN).reverse(got.sender) == SENDER
    # Byte for byte the message as sent, below our three prepended headers.
    assert got.data.endswith(signed)
    prefix = got.data[: -len(signed)]
    assert prefix.startswith(b"Received: from client.example ([127.0.0.1])\r\n")
    parsed = message_from_bytes(got.data)
    assert parsed[MARKER] == ALIAS
    assert parsed[OPT_OUT].startswith("<https://alice.example/f/")
    assert len(parsed.get_all("Received")) == 1

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"s1._domainkey.sender.example."
        return record

    assert dkim.verify(got.data, dnsfunc=dns)
    assert not dkim.verify(got.data.replace(b"sosit", b"venit"), dnsfunc=dns)
    alias.refresh_from_db()
    assert alias.forwarded_count == 1
    assert Event.objects.filter(kind="alias.forwarded", subject_id=alias.pk).count() == 1


def test_dot_stuffed_lines_survive_and_one_message_goes_to_every_alias(service, sink, alias, cast):
    from clientela.customers.services import customer_create
    from tests.forwarding.objects import alias_for

    ion = customer_create(workspace=cast.shop, actor=None, email="ion@inbox.example")
    alias_for(ion, local_part="ion")
    body = "a line\n.\n..two dots\n.leading dot\n"
    with service.smtp() as smtp:
        smtp.sendmail(SENDER, [ALIAS, f"ion@{DOMAIN}"], letter(body=body))
    assert send_all() == 2
    assert sorted(r.recipients[0] for r in sink.handler.received) == [
        "ana@inbox.example",
        "ion@inbox.example",
    ]
    for got in sink.handler.received:
        assert got.data.endswith(b"a line\r\n.\r\n..two dots\r\n.leading dot\r\n")


@pytest.mark.parametrize(
    "ending",
    [b"\n.\r\n", b"\r\n.\n", b"\n.\n", b"\r.\r\n", b"\r\n.\r"],
    ids=["LF.CRLF", "CRLF.LF", "LF.LF", "CR.CRLF", "CRLF.CR"],
)
def test_a_smuggled_second_message_is_never_a_message(service, sink, alias, ending):
    smuggled = (
        b"MAIL FROM:<boss@sender.example>\r\nRCPT TO:<" + ALIAS.encode() + b">\r\n"
        b"DATA\r\nFrom: boss@sender.example\r\nSubject: smuggled\r\n\r\npay now\r\n"
    )
    data = b"Subject: first\r\n\r\nhello" + ending + smuggled + b".\r\n"
    replies = service.raw(
        [
            b"EHLO client.example",
            b"MAIL FROM:<maria@sender.example>",
            f"RCPT TO:<{ALIAS}>".encode(),
            b"DATA",
        ],
        data,
    )
    # One reply for the one DATA (bare line ends refused), then QUIT's: nothing was run.
    assert replies == [b"554 5.6.0 bare LF or CR in message; lines must end in CRLF", b"221 Bye"]
    assert Outbox.objects.count() == 0


def test_a_loop_is_refused_by_the_received_count_and_by_our_marker(service, alias):
    import smtplib

    hops = "".join(f"Received: from hop{i}.example by hop{i + 1}.example; x\r\n" for i in range(31))
    looped = hops.encode() + letter()
    with service.smtp() as smtp, pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.sendmail(SENDER, [ALIAS], looped)
    assert (refused.value.smtp_code, refused.value.smtp_error) == (554, b"5.4.6 mail loop detected")
    # 30 hops are still fine.
    with service.smtp() as smtp:
        smtp.sendmail(SENDER, [ALIAS], hops.split("\r\n", 1)[1].encode() + letter())
    # Our own marker naming the alias: it came back to us.
    with service.smtp() as smtp, pytest.raises(smtplib.SMTPDataError) as again:
        smtp.sendmail(SENDER, [ALIAS], f"{MARKER}: {ALIAS}\r\n".encode() + letter())
    assert again.value.smtp_code == 554
    assert Outbox.objects.count() == 1


def test_the_rate_and_size_limits_of_an_alias(service, alias, cast):
    import smtplib

    ForwardingSettings.objects.create(workspace=cast.shop, rate_per_hour=2, max_message_kb=10)
    with service.smtp() as smtp, pytest.raises(smtplib.SMTPDataError) as big:
        smtp.sendmail(SENDER, [ALIAS], letter(body=("x" * 70 + "\n") * 150))
    assert (big.value.smtp_code, big.value.smtp_error) == (
        552,
        b"5.3.4 message too big for this address",
    )
    for _ in range(2):
        with service.smtp() as smtp:
            assert smtp.sendmail(SENDER, [ALIAS], letter()) == {}
    with service.smtp() as smtp:
        smtp.mail(SENDER)
        assert smtp.rcpt(f"<{ALIAS}>") == (
            452,
            b"4.2.1 too much mail for this address now, try later",
        )
    assert Outbox.objects.count() == 2


def test_nothing_is_stored_and_no_250_for_a_customer_whose_address_bounced(service, alias, cast):
    import smtplib

    suppression_add(
        workspace=cast.shop, address="ana@inbox.example", reason=SuppressionReason.HARD_BOUNCE
    )
    with service.smtp() as smtp, pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.sendmail(SENDER, [ALIAS], letter())
    assert (refused.value.smtp_code, refused.value.smtp_error) == (
        550,
        b"5.2.1 mailbox unavailable",
    )
    assert Outbox.objects.count() == 0
    alias.refresh_from_db()
    assert alias.forwarded_count == 0  # the allowance taken was rolled back with the rest


def test_an_unsubscribe_from_the_shops_letters_does_not_stop_their_own_mail(service, alias, cast):
    suppression_add(
        workspace=cast.shop, address="ana@inbox.example", reason=SuppressionReason.UNSUBSCRIBE
    )
    with service.smtp() as smtp:
        assert smtp.sendmail(SENDER, [ALIAS], letter()) == {}
    assert Outbox.objects.filter(source_type="alias").count() == 1


def test_a_bounce_to_the_srs_address_goes_back_to_the_original_sender(service, sink, alias):
    import smtplib

    with service.smtp() as smtp:
        smtp.sendmail(SENDER, [ALIAS], letter())
    send_all()
    srs_address = sink.handler.received[0].sender
    bounce = b"From: MAILER-DAEMON@inbox.example\r\nSubject: Undelivered\r\n\r\nNo such user\r\n"
    with service.smtp() as smtp:
        assert smtp.sendmail("", [srs_address], bounce) == {}
    back = Outbox.objects.get(source_type="srs_bounce")
    assert (back.to_address, back.envelope_sender) == (SENDER, "")
    send_all()
    # The null sender, as aiosmtpd writes it down.
    assert (sink.handler.received[-1].sender, sink.handler.received[-1].recipients) == (
        "<>",
        (SENDER,),
    )
    # A forged hash is an unknown mailbox; a non-bounce to a real one is no relay either.
    forged = "SRS0=AAAA" + srs_address[9:]
    with service.smtp() as smtp:
        smtp.mail("")
        assert smtp.rcpt(f"<{forged}>") == (550, b"5.1.1 no such mailbox here")
    with service.smtp() as smtp, pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.sendmail("spammer@evil.example", [srs_address], bounce)
    assert refused.value.smtp_code == 550


def test_the_customer_opts_out_from_the_link_in_the_forwarded_message(service, sink, alias):
    with service.smtp() as smtp:
        smtp.sendmail(SENDER, [ALIAS], letter())
    send_all()
    link = message_from_bytes(sink.handler.received[0].data)[OPT_OUT].strip("<>")
    path = link.removeprefix("https://alice.example")
    client = Client(enforce_csrf_checks=False)

    page = client.get(path)
    assert page.status_code == 200 and b"Stop forwarding" in page.content
    alias.refresh_from_db()
    assert alias.status == AliasStatus.ACTIVE  # a GET (a link scanner) changes nothing
    assert client.post(path).status_code == 200
    alias.refresh_from_db()
    assert alias.status == AliasStatus.OPTED_OUT
    assert Event.objects.filter(kind="alias.opted_out", subject_id=alias.pk).count() == 1
    assert client.post(path).status_code == 200  # twice: one event
    assert Event.objects.filter(kind="alias.opted_out").count() == 1
    assert client.get(path[:-3] + "xx/").status_code == 404
    with service.smtp() as smtp:
        smtp.mail(SENDER)
        assert smtp.rcpt(f"<{ALIAS}>") == (550, b"5.1.1 no such mailbox here")
    assert Outbox.objects.filter(status=OutboxStatus.SENT).count() == 1
    assert Alias.objects.get(pk=alias.pk).forwarded_count == 1
