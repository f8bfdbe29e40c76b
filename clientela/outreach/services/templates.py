"""Message templates: save (validated), pick per purpose and language, preview, test send."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.mail.contact import ContactNotAllowed, ContactPurpose, contact_allowed
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import outbox_enqueue
from clientela.mail.tasks import outbox_wake
from clientela.outreach.defaults import DEFAULTS
from clientela.outreach.models import MessageTemplate
from clientela.outreach.policy import TEMPLATE_CREATE, TEMPLATE_TEST_SEND, TEMPLATE_UPDATE
from clientela.outreach.rendering import (
    Rendered,
    TemplateInvalid,
    render_message,
    template_check,
)
from clientela.outreach.services.drafts import outbox_draft
from clientela.timeline.services import changed_fields, event_record

TEMPLATE_FIELDS = ("name", "purpose", "language", "subject", "body_text", "body_html")


def customer_context(customer: Customer) -> dict[str, Any]:
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "display_name": customer.display_name,
        "email": customer.email,
        "language": customer.language,
    }


def order_context(order: Order | None) -> dict[str, Any]:
    if order is None:
        return {"external_id": "", "placed_at": None, "total": None, "currency": ""}
    return {
        "external_id": order.external_id or f"#{order.pk}",
        "placed_at": order.placed_at,
        "total": order.total,
        "currency": order.currency,
    }


def message_context(
    *,
    workspace: Workspace,
    customer: Customer,
    order: Order | None = None,
    unsubscribe_url: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """The documented context (see `rendering`) for one customer."""
    return {
        "customer": customer_context(customer),
        "order": order_context(order),
        "shop": {"name": workspace.name},
        "unsubscribe_url": unsubscribe_url,
        "campaign": {"title": "", "intro": "", "promotions": [], "sales": [], "changes": ""},
        "list": {"name": ""},
        "confirm_url": "",
        **extra,
    }


def template_for(workspace: Workspace, purpose: str, language: str) -> MessageTemplate:
    """The workspace's template (its first by name), else the built-in default, unsaved."""
    found = (
        MessageTemplate.objects.for_workspace(workspace)
        .filter(purpose=purpose, language=language)
        .order_by("name", "pk")
        .first()
    )
    return found if found is not None else template_default(workspace, purpose, language)


def template_default(workspace: Workspace, purpose: str, language: str) -> MessageTemplate:
    """The shipped default for a purpose and language, as an unsaved template."""
    default = DEFAULTS[(purpose, language)]
    return MessageTemplate(
        workspace=workspace,
        purpose=purpose,
        language=language,
        name=default.name,
        subject=default.subject,
        body_text=default.body_text,
        body_html=default.body_html,
    )


def template_render(template: MessageTemplate, context: dict[str, Any]) -> Rendered:
    return render_message(
        subject=template.subject,
        body_text=template.body_text,
        body_html=template.body_html,
        context=context,
    )


@transaction.atomic
def template_save(
    *,
    workspace: Workspace,
    actor: User | None,
    template: MessageTemplate | None = None,
    **values: Any,
) -> MessageTemplate:
    """Create (template=None) or change a template; refuse one that does not render
    with the full sample context (TemplateInvalid names the part and the variable)."""
    rule = TEMPLATE_CREATE if template is None else TEMPLATE_UPDATE
    permit(actor=actor, workspace=workspace, rule=rule)
    unknown = set(values) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown field {sorted(unknown)[0]}")
    merged = {f: getattr(template, f) for f in TEMPLATE_FIELDS} if template else {}
    merged.update(values)
    _check_name_free(workspace, template, merged)
    template_check(
        subject=merged.get("subject", ""),
        body_text=merged.get("body_text", ""),
        body_html=merged.get("body_html", ""),
    )
    if template is None:
        template = MessageTemplate.objects.create(workspace=workspace, **merged)
        event_record(
            workspace=workspace,
            actor=actor,
            kind="template.created",
            subject=template,
            summary=template.name,
            new=merged,
        )
        return template
    old, new = changed_fields(template, values)
    if new:
        for field, value in new.items():
            setattr(template, field, value)
        template.updated_at = timezone.now()
        template.save(update_fields=[*new, "updated_at"])
        event_record(
            workspace=workspace,
            actor=actor,
            kind="template.changed",
            subject=template,
            summary=template.name,
            old=old,
            new=new,
        )
    return template


def _check_name_free(
    workspace: Workspace, template: MessageTemplate | None, merged: dict[str, Any]
) -> None:
    # The unique constraint would refuse it too, but as an IntegrityError that aborts the
    # transaction and names no field.
    clash = MessageTemplate.objects.for_workspace(workspace).filter(
        name=merged.get("name"), purpose=merged.get("purpose"), language=merged.get("language")
    )
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise TemplateInvalid("name", _("A template with this name already exists."))


def templates_ensure_defaults(*, workspace: Workspace) -> list[MessageTemplate]:
    """Give a workspace editable copies of the default templates it does not have yet."""
    created = []
    for (purpose, language), default in DEFAULTS.items():
        exists = MessageTemplate.objects.for_workspace(workspace).filter(
            purpose=purpose, language=language
        )
        if not exists.exists():
            created.append(
                MessageTemplate.objects.create(
                    workspace=workspace,
                    purpose=purpose,
                    language=language,
                    name=default.name,
                    subject=default.subject,
                    body_text=default.body_text,
                    body_html=default.body_html,
                )
            )
    return created


def template_preview(*, template: MessageTemplate, customer: Customer) -> Rendered:
    """Render for a real customer of the workspace, with their latest order if any."""
    order = None
    if customer.pk is not None:  # a stand-in (the user testing) has no orders
        orders = Order.objects.for_workspace(template.workspace).filter(customer=customer)
        order = orders.order_by("-placed_at").first()
    context = message_context(
        workspace=template.workspace,
        customer=customer,
        order=order,
        unsubscribe_url=f"{settings.SITE_URL}/u/preview/",
    )
    return template_render(template, context)


def recipient_for_test(*, workspace: Workspace, actor: User, language: str) -> Customer:
    """The acting user, dressed as a customer, as the recipient of their own test send once
    `contact_allowed` agrees (ContactNotAllowed otherwise)."""
    recipient = stand_in_customer(workspace=workspace, actor=actor, language=language)
    verdict = contact_allowed(recipient, ContactPurpose.TEST)
    if not verdict.allowed:
        raise ContactNotAllowed(verdict)
    return recipient


def stand_in_customer(*, workspace: Workspace, actor: User, language: str) -> Customer:
    """The acting user dressed as a customer (unsaved), for previews and test sends of a
    template or a campaign when no real customer is chosen."""
    first, _sep, last = (actor.name or actor.email).partition(" ")
    return Customer(
        workspace=workspace,
        first_name=first,
        last_name=last,
        email=actor.email,
        language=language,
    )


@transaction.atomic
def template_test_send(
    *, template: MessageTemplate, customer: Customer | None, actor: User
) -> Outbox:
    """Queue the preview for `customer` (the acting user themself if None) to the acting
    user's own address (transactional)."""
    permit(actor=actor, workspace=template.workspace, rule=TEMPLATE_TEST_SEND)
    recipient = recipient_for_test(
        workspace=template.workspace, actor=actor, language=template.language
    )
    rendered = template_preview(
        template=template, customer=customer if customer is not None else recipient
    )
    test = Rendered(f"[TEST] {rendered.subject}", rendered.body_text, rendered.body_html)
    draft = outbox_draft(
        customer=None,
        address=recipient.email,
        kind=OutboxKind.TRANSACTIONAL,
        source_type="template_test",
        source_id=template.pk,
        dedup_key=f"template_test:{template.pk}:{timezone.now().timestamp()}",
        message=test,
        language=template.language,
    )
    row = outbox_enqueue(workspace=template.workspace, draft=draft)
    assert row is not None  # the key carries a timestamp: never a repeat
    outbox_wake()
    event_record(
        workspace=template.workspace,
        actor=actor,
        kind="template.test_sent",
        subject=template,
        summary=actor.email,
    )
    return row
