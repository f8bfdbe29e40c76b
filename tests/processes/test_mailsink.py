"""The demo mail sink keeps every message it receives, whole, as one .eml file."""

from __future__ import annotations

import smtplib
from email import message_from_bytes
from email.message import EmailMessage

from clientela.demo.mailsink import mailsink_start
from tests.processes.helpers import free_port


def letter(to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "shop@example.com"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Mulțumim că ați cumpărat de la noi.\n")
    return message


def test_each_message_received_becomes_one_eml_file_in_arrival_order(tmp_path):
    port = free_port()
    sink = mailsink_start(directory=tmp_path / "mailsink", host="127.0.0.1", port=port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(letter("ana.popescu@example.ro", "Mulțumim"))
            smtp.send_message(letter("john.smith@example.com", "Thank you"))
    finally:
        sink.stop()

    files = sorted((tmp_path / "mailsink").iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    messages = [message_from_bytes(path.read_bytes()) for path in files]
    assert [(m["To"], str(m["Subject"])) for m in messages] == [
        ("ana.popescu@example.ro", "=?utf-8?q?Mul=C8=9Bumim?="),
        ("john.smith@example.com", "Thank you"),
    ]
    body = messages[0].get_payload(decode=True)
    assert body.decode() == "Mulțumim că ați cumpărat de la noi.\r\n"  # kept as on the wire
