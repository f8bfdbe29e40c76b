"""Inbound bounces: which row bounced, why, and whether the address must never be used again.

The row is found from our VERP token in the address the bounce was sent to (the envelope
recipient, or failing that the To/Delivered-To headers), else from the Message-ID in the
returned original. flufl.bounce says which recipients failed and whether permanently; the
RFC 3464 delivery-status part, when present, gives the status code and the server's words.

A complaint (an RFC 5965 ARF feedback report, what a mailbox provider's feedback loop sends
when the recipient presses "spam") is found the same way, but changes nothing about delivery:
the address is suppressed for reason "complaint", which no later opt-in lifts (an earlier
"unsubscribed" entry is upgraded), and the customer's timeline says so.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from django.db import transaction
from django.utils import timezone
from flufl.bounce import all_failures

from clientela.mail.models import Outbox, OutboxStatus, SuppressedAddress, SuppressionReason
from clientela.mail.signals import bounce_recorded
from clientela.mail.verp import outbox_id_from_bounce_address
from clientela.timeline.services import event_record

_STATUS = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})", re.MULTILINE)


@dataclass(frozen=True)
class BounceResult:
    outbox_id: int | None
    permanent: bool
    suppressed: bool
    status: str  # RFC 3463 code from the report, "" if none
    diagnostic: str
    complaint: str = ""  # the Feedback-Type of an ARF report ("abuse", ...), "" otherwise


def _candidates(message: Message, recipients: Iterable[str]) -> list[str]:
    headers = [message.get(name, "") for name in ("Delivered-To", "X-Original-To", "To")]
    return [*recipients, *(str(value) for value in headers if value)]


def _outbox_id(message: Message, recipients: Iterable[str]) -> int | None:
    for address in _candidates(message, recipients):
        for part in re.findall(r"[^\s<>,\"]+@[^\s<>,\"]+", address):
            found = outbox_id_from_bounce_address(part)
            if found is not None:
                return found
    return None


def _report(message: Message) -> tuple[str, str, str]:
    """(status, diagnostic, original Message-ID) from the RFC 3464 parts, when present."""
    status = diagnostic = original_id = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                if isinstance(block, Message):
                    status = status or str(block.get("Status", "")).strip()
                    diagnostic = diagnostic or str(block.get("Diagnostic-Code", "")).strip()
        elif kind in {"message/rfc822", "text/rfc822-headers"} and not original_id:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) else payload
            if not isinstance(inner, Message):
                inner = email.message_from_string(str(inner))
            original_id = str(inner.get("Message-ID", "")).strip()
    return status, re.sub(r"\s+", " ", diagnostic)[:1000], original_id


def _feedback_type(message: Message) -> str:
    """The Feedback-Type of an RFC 5965 report ("abuse" when unstated), "" if not one."""
    if message.get_content_type() != "multipart/report":
        return ""
    if str(message.get_param("report-type", "")).lower() != "feedback-report":
        return ""
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            payload = part.get_payload()
            fields = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(fields, Message):
                return str(fields.get("Feedback-Type", "abuse")).strip().lower()[:40] or "abuse"
    return "abuse"


def bounce_process(raw: bytes, *, recipients: Iterable[str] = ()) -> BounceResult:
    """Record one bounce message or complaint report. Safe to process the same one twice."""
    message = email.message_from_bytes(raw)
    recipients = list(recipients)
    status, diagnostic, original_id = _report(message)
    outbox_id = _outbox_id(message, recipients)
    if outbox_id is None and original_id:
        outbox_id = (
            Outbox.objects.filter(message_id=original_id).values_list("pk", flat=True).first()
        )
    feedback = _feedback_type(message)
    if feedback:
        found = outbox_id is not None and _complaint_record(outbox_id, feedback)
        return BounceResult(outbox_id, False, found, "", "", complaint=feedback)
    _temporary, permanent = all_failures(message)
    is_permanent = bool(permanent) or status.startswith("5.")
    if outbox_id is None:
        return BounceResult(None, is_permanent, False, status, diagnostic)
    hard = is_permanent and (status.startswith("5.1.") or not _STATUS.match(status))
    suppressed = _record(outbox_id, is_permanent, hard, status, diagnostic)
    return BounceResult(outbox_id, is_permanent, suppressed, status, diagnostic)


@transaction.atomic
def _record(outbox_id: int, permanent: bool, hard: bool, status: str, diagnostic: str) -> bool:
    row = (
        Outbox.objects.select_for_update().select_related("workspace").filter(pk=outbox_id).first()
    )
    if row is None:
        return False
    reply = diagnostic or f"bounce {status}".strip()
    if not permanent:
        # A delay notice: the relay is still trying; note it, change nothing else.
        Outbox.objects.filter(pk=row.pk).update(last_smtp_reply=reply)
        return False
    newly_bounced = row.status != OutboxStatus.BOUNCED
    if newly_bounced:
        old = row.status
        Outbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.BOUNCED, bounced_at=timezone.now(), last_smtp_reply=reply
        )
        event_record(
            workspace=row.workspace,
            kind="outreach.mail_bounced",
            subject_type="outbox",
            subject_id=row.pk,
            customer_id=row.customer_id,
            summary=reply[:500],
            old={"status": old},
            new={"status": OutboxStatus.BOUNCED, "bounce_status": status},
        )
    if hard:
        SuppressedAddress.objects.get_or_create(
            workspace_id=row.workspace_id,
            address=row.to_address,
            defaults={"reason": SuppressionReason.HARD_BOUNCE, "source": f"bounce:outbox:{row.pk}"},
        )
    if newly_bounced:
        bounce_recorded.send(
            sender=Outbox,
            outbox_id=row.pk,
            workspace_id=row.workspace_id,
            address=row.to_address,
            suppressed=hard,
        )
    return hard


@transaction.atomic
def _complaint_record(outbox_id: int, feedback: str) -> bool:
    """Suppress the row's address for a complaint; False if the row is gone."""
    row = Outbox.objects.select_related("workspace").filter(pk=outbox_id).first()
    if row is None:
        return False
    source = f"complaint:outbox:{row.pk}"
    entry, created = SuppressedAddress.objects.select_for_update().get_or_create(
        workspace_id=row.workspace_id,
        address=row.to_address,
        defaults={"reason": SuppressionReason.COMPLAINT, "source": source},
    )
    old = None if created else {"reason": entry.reason, "source": entry.source}
    if not created and entry.reason == SuppressionReason.UNSUBSCRIBE:
        # "Unsubscribed" can be lifted by a new opt-in; a complaint must never be.
        entry.reason, entry.source = SuppressionReason.COMPLAINT, source
        entry.save(update_fields=["reason", "source"])
    elif not created:
        return True  # already stopped for good (a repeated report, a bounce, by hand)
    event_record(
        workspace=row.workspace,
        kind="outreach.complaint",
        subject=entry,
        customer_id=row.customer_id,
        summary=row.to_address,
        old=old,
        new={"reason": SuppressionReason.COMPLAINT, "source": source, "feedback_type": feedback},
    )
    return True
