"""The reply templates (RO and EN): a start for the reply box, in the customer's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEMPLATES = {
    "hello": gettext_lazy("Greeting"),
    "thanks": gettext_lazy("Thanks for waiting"),
}


def reply_start(template: str, *, language: str, name: str, signer: str) -> str:
    with translation.override(language):
        greeting = _("Hello %(name)s,") % {"name": name} if name else _("Hello,")
        closing = _("Kind regards,")
        middle = _("Thank you for waiting.") + "\n\n" if template == "thanks" else ""
    return f"{greeting}\n\n{middle}\n\n{closing}\n{signer}"
