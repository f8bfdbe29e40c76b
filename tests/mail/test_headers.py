"""No customer-supplied value can add a header line or a second message."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clientela.customers.normalize import InvalidEmail
from clientela.mail.message import (
    Draft,
    display_name_text,
    header_text,
    message_build,
    message_bytes,
)
from clientela.mail.services import outbox_enqueue
from tests.mail.helpers import draft

BASE = {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}
BASE_SINGLE = BASE | {"Content-Transfer-Encoding"}
UNSUBSCRIBE = {"List-Unsubscribe", "List-Unsubscribe-Post"}

# Text biased towards what breaks headers: line breaks of every kind, NUL, colons, long words.
NASTY = st.sampled_from(
    [
        "\r",
        "\n",
        "\r\n",
        "\x00",
        "\u2028",
        "\u2029",
        "\x85",
        "\x0b",
        "\x0c",
        ":",
        "Bcc: x@evil.test",
        "\r\n\r\nbody",
        "=?utf-8?q?x?=",
        "ț",
        "ș",
        "😀",
        "x" * 200,
        " ",
    ]
)
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=30)), max_size=12).map("".join)


def squash(text: str) -> str:
    return "".join(text.split())


def parse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def build(name: str, subject: str, from_name: str, *, marketing: bool, own: str = "") -> bytes:
    return message_bytes(
        message_build(
            Draft(
                outbox_id=42,
                message_id="<abc123@bounces.alice.example>",
                from_name=from_name,
                from_address="shop@alice.example",
                to_name=name,
                to_address="ana@example.ro",
                subject=subject,
                body_text="Hello\r\n.\r\nMAIL FROM:<x@evil.test>\n",
                body_html="",
                marketing=marketing,
                headers=(("X-Clientela-Campaign", own),) if own else (),
            )
        )
    )


@settings(max_examples=150, deadline=None)
@given(name=HOSTILE, subject=HOSTILE, from_name=HOSTILE, own=HOSTILE, marketing=st.booleans())
@example(
    name="Ana\r\nBcc: all@evil.test", subject="Hi\nBcc: x@y", from_name="", own="", marketing=False
)
@example(
    name="x", subject="a\u2028To: b@evil.test", from_name="\x00", own="1\r\nX: y", marketing=True
)
def test_the_header_set_is_exactly_ours(name, subject, from_name, own, marketing):
    data = build(name, subject, from_name, marketing=marketing, own=own)
    message = parse(data)

    expected = BASE_SINGLE | (UNSUBSCRIBE if marketing else set())
    if own:
        expected |= {"X-Clientela-Campaign"}
    assert set(message.keys()) == expected
    assert len(message.keys()) == len(expected)  # no header twice
    assert message["To"].addresses[0].addr_spec == "ana@example.ro"
    assert len(message["To"].addresses) == 1
    # The stdlib reads back a word mixing ASCII and encoded characters with an extra space
    # ("x¹" -> "x ¹"); that changes no header, so names compare without whitespace.
    assert squash(message["To"].addresses[0].display_name) == squash(display_name_text(name))
    assert squash(message["From"].addresses[0].display_name) == squash(display_name_text(from_name))
    assert message["From"].addresses[0].addr_spec == "shop@alice.example"
    assert str(message["Subject"]) == header_text(subject)
    assert message.get_content().replace("\r\n", "\n") == "Hello\n.\nMAIL FROM:<x@evil.test>\n"
    # Every line ends in CRLF, none is over SMTP's limit, no NUL: one message, well formed.
    lines = data.split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line and b"\0" not in line for line in lines)
    assert max(len(line) for line in lines) <= 998


def test_header_text_keeps_one_line_of_printable_text():
    assert header_text("Ana\r\nBcc: x@y") == "Ana Bcc: x@y"
    assert header_text("a\u2028b\u2029c\x85d\x00e") == "a b c d e"
    assert header_text("  Șerban   Țăran ") == "Șerban Țăran"
    assert header_text("=?utf-8?q?Admin?=") == "= ?utf-8?q?Admin?="


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ["ana@example.ro\r\nBcc: x@evil.test", "ana@example.ro\n", "a b@example.ro", ""]
)
def test_an_address_with_a_line_break_is_refused_before_anything_is_written(cast, address):
    with pytest.raises(InvalidEmail):
        outbox_enqueue(workspace=cast.shop, draft=draft(address, key="k"))


def test_a_display_name_keeps_letters_digits_and_simple_punctuation():
    assert display_name_text("Ana-Maria O'Neil Jr.") == "Ana-Maria O'Neil Jr."
    assert display_name_text('"Ana" <x@evil.test>, Bob') == "Ana x evil.test Bob"
    assert display_name_text("Șerban 😀 Țăran") == "Șerban Țăran"
    assert display_name_text("x" * 40) == "x" * 16 + " " + "x" * 16 + " " + "x" * 8
