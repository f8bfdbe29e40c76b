"""The text of a thank-you letter written by hand, in the customer's language.

Not the thank-you e-mail's text: a letter on paper has no link to follow and cannot be
answered by replying, so it says neither; it names the purchase's date, and leaves the
signature to the hand that writes it (the printed page keeps room for it). The shop edits it
per language on the Automations page (the workspace's template of purpose "letter"; the
shipped default until then), and each letter keeps the text it was planned with.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from clientela.accounts.models import Workspace
from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.outreach.models import MessageTemplate, TemplatePurpose
from clientela.outreach.rendering import TemplateInvalid
from clientela.outreach.services.templates import (
    message_context,
    template_default,
    template_for,
    template_render,
)

LANGUAGES = ("ro", "en")


def letter_language(customer: Customer, workspace: Workspace) -> str:
    if customer.language in LANGUAGES:
        return customer.language
    return workspace.default_language if workspace.default_language in LANGUAGES else "ro"


def letter_render(template: MessageTemplate, *, customer: Customer, order: Order | None) -> str:
    """The letter's text from `template`: dates in the shop's time zone and the letter's
    language, as the letter is read."""
    workspace = template.workspace
    context = message_context(workspace=workspace, customer=customer, order=order)
    with translation.override(template.language), timezone.override(ZoneInfo(workspace.time_zone)):
        return template_render(template, context).body_text.strip()


def letter_text(*, workspace: Workspace, customer: Customer, order: Order | None) -> str:
    """The letter to copy by hand, up to the closing (the signature is the writer's)."""
    language = letter_language(customer, workspace)
    template = template_for(workspace, TemplatePurpose.LETTER, language)
    try:
        return letter_render(template, customer=customer, order=order)
    except TemplateInvalid:
        # Saved texts were checked against the sample; a real value may still trip a limit.
        default = template_default(workspace, TemplatePurpose.LETTER, language)
        return letter_render(default, customer=customer, order=order)
