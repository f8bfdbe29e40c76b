"""The mail accounts sends itself: an invitation and a password-reset link.

One e-mail = one function + `subject.txt`, `body.txt` and `body.html` under
templates/accounts/mail/<name>/, rendered in the recipient's language.

They go straight to the configured relay (Django's EMAIL_BACKEND, the same SMTP settings the
outbox's sender uses), not through the outbox: each carries a secret that works as a key to
an account, and an outbox row keeps its body in the database, readable on the Sent mail
page by every manager. They are sent after the transaction commits, so a rolled-back
invitation mails nobody.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)


def _message(
    name: str, *, to: str, language: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = render_to_string(f"accounts/mail/{name}/subject.txt", context)
        text = render_to_string(f"accounts/mail/{name}/body.txt", context)
        html = render_to_string(f"accounts/mail/{name}/body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


def _deliver(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:  # the relay's trouble must not become the visitor's 500
        log.exception("account mail to the relay failed")


def account_mail_send(
    name: str, *, to: str, language: str, context: dict[str, Any], background: bool = False
) -> None:
    """Render now, send once the transaction commits. `background`: in a thread of its own,
    so that the request answers in the same time whether a mail left or not (the password
    reset page must not tell, by its speed, which addresses have an account)."""
    message = _message(name, to=to, language=language, context=context)
    if background:
        transaction.on_commit(lambda: threading.Thread(target=_deliver, args=(message,)).start())
    else:
        transaction.on_commit(lambda: _deliver(message))
