"""Parsing real-world shaped mail: encodings, quotes, signatures, attachments, hostile HTML."""

from __future__ import annotations

import pytest

from clientela.inbox.parsing import (
    Limits,
    MessageTooLarge,
    fold_quoted,
    parse_message,
    sanitize_html,
    subject_key,
)
from tests.inbox.mails import GMAIL_RO, OUTLOOK_WITH_ATTACHMENT, reply_to


def test_a_gmail_message_in_romanian_quoted_printable():
    parsed = parse_message(GMAIL_RO)
    assert parsed.message_id == "<CAF=gmail-1@mail.gmail.com>"
    assert (parsed.from_name, parsed.from_address) == ("Ana Popă", "ana.popa@gmail.com")
    assert parsed.subject == "Întrebare despre comanda 12"
    assert parsed.text.startswith("Bună ziua, când ajunge coletul? Mulțumesc!")
    assert "<script" not in parsed.html and "alert" not in parsed.html
    assert "onerror" not in parsed.html and "<img" not in parsed.html
    assert parsed.date is not None and parsed.date.utcoffset().total_seconds() == 7200
    assert parsed.attachments == () and not parsed.auto_submitted


def test_a_thunderbird_reply_keeps_its_thread_ids_and_folds_the_quote():
    parsed = parse_message(
        reply_to(
            "<ours-1@b.example>",
            subject="Re: x",
            body="Mersi!",
            message_id="<tb-2@x>",
            sender="a@b.ro",
        )
    )
    assert parsed.in_reply_to == ("<ours-1@b.example>",)
    assert parsed.references == ("<CAF=gmail-1@mail.gmail.com>", "<ours-1@b.example>")
    folded = fold_quoted(parsed.text)
    assert folded.body == "Mersi!"
    assert folded.quoted.startswith("On 06.12.2026 11:00, Alice's Shop wrote:")
    assert folded.quoted.endswith("> Ajunge mâine.")


def test_outlook_quote_header_block_and_attachments_are_kept_by_name_and_type():
    parsed = parse_message(OUTLOOK_WITH_ATTACHMENT)
    folded = fold_quoted(parsed.text)
    assert folded.body == "Atasez factura."
    assert folded.quoted.startswith("From: Alice's Shop")
    [pdf, page] = parsed.attachments
    assert (pdf.filename, pdf.content_type, pdf.data[:5]) == (
        "factura.pdf",
        "application/pdf",
        b"%PDF-",
    )
    assert (page.filename, page.content_type) == ("page.html", "text/html")
    assert not pdf.dropped


def test_an_attachment_over_the_limit_is_named_but_not_kept_and_a_huge_message_is_refused():
    parsed = parse_message(OUTLOOK_WITH_ATTACHMENT, Limits(attachment_bytes=30))
    assert [(a.filename, a.dropped, a.size, a.data) for a in parsed.attachments] == [
        ("factura.pdf", False, 19, b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n"),
        ("page.html", True, 39, b""),
    ]
    with pytest.raises(MessageTooLarge):
        parse_message(GMAIL_RO, Limits(raw_bytes=100))


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: Comanda 12", "comanda 12"),
        ("RE: AW: Fwd: [Shop] Comanda 12", "comanda 12"),
        ("Răspuns: Re[2]: Comanda  12", "comanda 12"),
        ("Fw: TR: SV: Comanda 12", "comanda 12"),
        ("Comanda 12", "comanda 12"),
        ("Regarding: your order", "regarding: your order"),
    ],
)
def test_subject_keys_strip_reply_and_forward_prefixes(subject, key):
    assert subject_key(subject) == key


def test_signatures_of_mobile_clients_are_folded():
    assert fold_quoted("Da, mulțumesc.\n\nTrimis de pe iPhone").signature == "Trimis de pe iPhone"
    assert fold_quoted("Da.\n-- \nIon\n0722").body == "Da."


def test_sanitised_html_keeps_formatting_and_drops_scripts_handlers_and_javascript_links():
    html = '<p onclick="x()">A <b>b</b> <a href="javascript:alert(1)">c</a> <a href="https://s.ro">d</a></p><style>p{}</style>'
    assert sanitize_html(html) == (
        '<p>A <b>b</b> <a rel="noopener noreferrer nofollow">c</a> '
        '<a href="https://s.ro" rel="noopener noreferrer nofollow">d</a></p>'
    )


def test_auto_replies_are_marked():
    raw = b"From: a@b.ro\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n"
    assert parse_message(raw).auto_submitted
