"""What the automations say, per language: the thank-you and win-back letters, and the letter
written by hand, are the workspace's templates of that purpose (the shipped default until the
shop edits one), shown and edited from the Automations page, with a preview for a real recent
order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from clientela.accounts.models import Language, User, Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Customer
from clientela.outreach.models import MessageTemplate, TemplatePurpose
from clientela.outreach.rendering import Rendered
from clientela.outreach.services.templates import (
    message_context,
    template_for,
    template_render,
    template_save,
)

AUTOMATION_PURPOSES = (TemplatePurpose.THANK_YOU, TemplatePurpose.WIN_BACK, TemplatePurpose.LETTER)
RECENT_ORDERS = 20


@dataclass(frozen=True)
class AutomationText:
    purpose: str
    language: str
    template: MessageTemplate
    edited: bool  # False: the shipped default


def automation_texts(workspace: Workspace, purpose: str) -> list[AutomationText]:
    """The text the automation sends in each language, in the order of the languages."""
    out = []
    for language in Language.values:
        template = template_for(workspace, purpose, language)
        out.append(AutomationText(purpose, language, template, template.pk is not None))
    return out


def automation_text_save(
    *,
    workspace: Workspace,
    actor: User | None,
    purpose: str,
    language: str,
    body_text: str,
    subject: str | None = None,
) -> MessageTemplate:
    """Change what the automation sends in `language`: the workspace's template of that
    purpose, created from the default the first time (template_save checks the role and
    refuses a text that does not render). A letter has no subject: None keeps the current."""
    if purpose not in AUTOMATION_PURPOSES or language not in Language.values:
        raise ValueError("not an automation's text")
    current = template_for(workspace, purpose, language)
    subject = current.subject if subject is None else subject
    if current.pk is None:
        return template_save(
            workspace=workspace,
            actor=actor,
            name=current.name,
            purpose=purpose,
            language=language,
            subject=subject,
            body_text=body_text,
            body_html="",
        )
    return template_save(
        workspace=workspace, actor=actor, template=current, subject=subject, body_text=body_text
    )


def recent_orders(workspace: Workspace, language: str) -> list[Order]:
    """The latest orders of customers of `language`, the first with a first name first."""
    orders = (
        Order.objects.for_workspace(workspace)
        .filter(status=OrderStatus.PLACED, customer__language=language)
        .select_related("customer")
        .order_by("-placed_at", "-pk")[:RECENT_ORDERS]
    )
    listed = list(orders)
    return sorted(listed, key=lambda o: not o.customer.first_name.strip())


def automation_preview(
    *, template: MessageTemplate, order: Order | None
) -> tuple[Rendered, Customer, Order | None]:
    """The letter as `order`'s buyer would get it; with no order, as an example customer
    (with a first name) would get it for an example order."""
    workspace = template.workspace
    if order is not None:
        customer = order.customer
    else:
        first, last = ("Ana", "Popescu") if template.language == "ro" else ("Anna", "Smith")
        customer = Customer(
            workspace=workspace,
            first_name=first,
            last_name=last,
            email="example@example.com",
            language=template.language,
        )
    context = message_context(
        workspace=workspace,
        customer=customer,
        order=order,
        unsubscribe_url=f"{settings.SITE_URL}/u/preview/",
    )
    return template_render(template, context), customer, order
