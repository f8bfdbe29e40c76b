"""The notice a customer gets when an alias is granted: the address, what it does, and a
link that turns it off. The link is signed (no login) and works once: it names the grant
(the alias's `changed_at` when it was granted), so after the opt-out, or a later revoke and
grant, it is spent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clientela.forwarding.models import Alias, AliasStatus
from clientela.mail.contact import ContactPurpose, contact_allowed
from clientela.mail.models import Outbox, OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.mail.tasks import outbox_wake
from clientela.timeline.services import event_record

_SIGNER = signing.Signer(sep=".", salt="clientela.forwarding.notice", algorithm="sha256")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def notice_token(alias: Alias) -> str:
    return _SIGNER.sign_object([alias.pk, _stamp(alias.changed_at)])


def notice_link(alias: Alias) -> str:
    return f"{settings.SITE_URL}/f/notice/{notice_token(alias)}/"


def alias_from_notice_token(token: str) -> tuple[Alias, bool] | None:
    """The alias the link names and whether the link still works; None for a forged link."""
    try:
        pk, stamp = _SIGNER.unsign_object(token[:300])
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(pk, int) and isinstance(stamp, int)):
        return None
    alias = Alias.objects.select_related("domain", "workspace").filter(pk=pk).first()
    if alias is None:
        return None
    fresh = alias.status == AliasStatus.ACTIVE and _stamp(alias.changed_at) == stamp
    return alias, fresh


def alias_notice_send(alias: Alias) -> Outbox | None:
    """Queue the notice in the customer's language, unless `contact_allowed` refuses a
    service message (then the alias works all the same, and nobody is written to)."""
    customer = alias.customer
    if not contact_allowed(customer, ContactPurpose.REPLY).allowed:
        return None
    context = {
        "alias": alias,
        "customer": customer,
        "shop": alias.workspace,
        "link": notice_link(alias),
    }
    language = customer.language if customer.language in ("ro", "en") else "ro"
    with translation.override(language):
        subject = render_to_string("forwarding/notice/subject.txt", context).strip()
        body = render_to_string("forwarding/notice/body.txt", context)
    row = outbox_enqueue(
        workspace=alias.workspace,
        draft=OutboxDraft(
            to_address=customer.email,
            to_name=customer.display_name,
            subject=subject,
            body_text=body,
            kind=OutboxKind.TRANSACTIONAL,
            source_type="alias_notice",
            source_id=alias.pk,
            dedup_key=f"alias_notice:{alias.pk}:{_stamp(alias.changed_at)}",
            customer=customer,
            language=language,
        ),
    )
    if row is not None:
        event_record(
            workspace=alias.workspace,
            kind="alias.notice_sent",
            subject=alias,
            customer=customer,
            summary=alias.address,
            new={"outbox_id": row.pk, "to": row.to_address},
        )
        outbox_wake()
    return row


def alias_notice_opt_out(*, token: str) -> tuple[Alias, bool] | None:
    """Turn the alias off from the notice's link; (alias, True) when this call did it,
    (alias, False) when the link was already spent; None for a forged link."""
    found = alias_from_notice_token(token)
    if found is None:
        return None
    alias, _fresh = found
    pk, stamp = _SIGNER.unsign_object(token[:300])
    granted = _EPOCH + timedelta(microseconds=stamp)
    with transaction.atomic():
        changed = Alias.objects.filter(pk=pk, status=AliasStatus.ACTIVE, changed_at=granted).update(
            status=AliasStatus.OPTED_OUT, reason="notice link", changed_at=timezone.now()
        )
        if changed:
            event_record(
                workspace=alias.workspace,
                kind="alias.opted_out",
                subject=alias,
                actor=None,
                actor_label="customer",
                customer_id=alias.customer_id,
                summary=alias.address,
                old={"status": AliasStatus.ACTIVE},
                new={"status": AliasStatus.OPTED_OUT, "reason": "notice link"},
            )
    alias.refresh_from_db()
    return alias, bool(changed)
