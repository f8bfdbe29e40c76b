"""Real-world shaped messages, as mail clients send them (headers, MIME structure, encodings)."""

from __future__ import annotations

GMAIL_RO = (
    b"MIME-Version: 1.0\r\n"
    b"Date: Sun, 6 Dec 2026 10:15:00 +0200\r\n"
    b"Message-ID: <CAF=gmail-1@mail.gmail.com>\r\n"
    b"Subject: =?UTF-8?Q?=C3=8Entrebare_despre_comanda_12?=\r\n"
    b"From: =?UTF-8?Q?Ana_Pop=C4=83?= <Ana.Popa@Gmail.com>\r\n"
    b"To: suport@alice.example\r\n"
    b'Content-Type: multipart/alternative; boundary="000000000000abc"\r\n'
    b"\r\n"
    b"--000000000000abc\r\n"
    b'Content-Type: text/plain; charset="UTF-8"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Bun=C4=83 ziua, c=C3=A2nd ajunge coletul? Mul=C8=9Bumesc!\r\n"
    b"\r\n"
    b"--\r\n"
    b"Ana Pop=C4=83\r\n"
    b"--000000000000abc\r\n"
    b'Content-Type: text/html; charset="UTF-8"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b'<div dir=3D"ltr">Bun=C4=83 ziua, c=C3=A2nd ajunge coletul?<script>alert(1)</script>'
    b'<img src=3D"https://tracker.example/p.gif" onerror=3D"x()"></div>\r\n'
    b"--000000000000abc--\r\n"
)


def reply_to(parent_id: str, *, subject: str, body: str, message_id: str, sender: str) -> bytes:
    """A Thunderbird-style plain reply quoting the message it answers."""
    return (
        f"Message-ID: {message_id}\r\n"
        f"Date: Sun, 6 Dec 2026 12:00:00 +0200\r\n"
        f"From: {sender}\r\n"
        f"To: suport@alice.example\r\n"
        f"Subject: {subject}\r\n"
        f"In-Reply-To: {parent_id}\r\n"
        f"References: <CAF=gmail-1@mail.gmail.com> {parent_id}\r\n"
        f"Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n"
        f"\r\n"
        f"{body}\r\n\r\nOn 06.12.2026 11:00, Alice's Shop wrote:\r\n> Ajunge mâine.\r\n"
    ).encode()


OUTLOOK_WITH_ATTACHMENT = (
    b"Message-ID: <AM0PR01MB@eurprd01.prod.outlook.com>\r\n"
    b"Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
    b"From: Ion Ionescu <ion@outlook.example>\r\n"
    b"To: suport@alice.example\r\n"
    b"Subject: RE: Factura\r\n"
    b'Content-Type: multipart/mixed; boundary="_004_"\r\n'
    b"\r\n"
    b"--_004_\r\n"
    b'Content-Type: text/plain; charset="iso-8859-2"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Atasez factura.\r\n"
    b"\r\n"
    b"From: Alice's Shop <shop@alice.example>\r\n"
    b"Sent: Sunday, December 6, 2026 8:00 PM\r\n"
    b"To: Ion Ionescu\r\n"
    b"Subject: Factura\r\n"
    b"\r\n"
    b"Va trimitem factura.\r\n"
    b"--_004_\r\n"
    b'Content-Type: application/pdf; name="../../etc/factura.pdf"\r\n'
    b'Content-Disposition: attachment; filename="../../etc/factura.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n"
    b"--_004_\r\n"
    b'Content-Type: text/html; name="page.html"\r\n'
    b'Content-Disposition: attachment; filename="page.html"\r\n'
    b"\r\n"
    b"<script>alert(document.cookie)</script>\r\n"
    b"--_004_--\r\n"
)
