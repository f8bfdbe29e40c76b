"""One batch: claim, check suppression, send each message, record every reply.

Each result is committed the moment its reply arrives, as a conditional UPDATE on our claim
tag: if our lease ran out and another worker took a row, our late result does not overwrite
theirs. A sender killed mid-batch leaves its unsent rows SENDING until the lease passes, and
the only message it can send twice is the one whose reply it was writing down when it died
(same Message-ID, which receivers use to drop duplicates): at most one per kill. Recording
once per batch instead cost a whole batch of duplicates per kill.

Before handing a row to the relay the sender marks it in flight, on the condition that it is
still its own: a pause or a cancel that committed since the claim has taken back every row
not yet in flight, and the sender skips those. So a claimed batch does not outlive a pause;
only the message already in the relay's hands leaves. One UPDATE by primary key per message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientela.mail.claim import DEFAULT_LEASE, outbox_claim
from clientela.mail.dkim import dkim_sign_configured
from clientela.mail.instance import last_sent_note
from clientela.mail.layout import OPT_OUT_SOURCES, Look, mail_layout, text_with_footer
from clientela.mail.message import (
    Draft,
    Envelope,
    message_build,
    message_bytes,
    needs_smtputf8,
)
from clientela.mail.models import (
    Branding,
    DeliverySettings,
    Outbox,
    OutboxKind,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)
from clientela.mail.ratelimit import Bucket
from clientela.mail.retry import Outcome, Verdict, outcome_of, retry_delay
from clientela.mail.selectors import outbox_blocked
from clientela.mail.signals import outbox_settled
from clientela.mail.smtp import Relay
from clientela.mail.verp import bounce_address, unsubscribe_url
from clientela.timeline.models import Event
from clientela.timeline.services import event_build, events_record_many

log = logging.getLogger(__name__)
SUPPRESSED = Outcome(Verdict.FAILED, None, "not sent: the address is on the suppression list")
NOT_ASCII = Outcome(Verdict.FAILED, None, "not sent: SMTPUTF8 addresses are not supported")


@dataclass(frozen=True)
class BatchReport:
    claimed: int
    sent: int
    retried: int
    failed: int
    suppressed: int
    relay_down: bool
    withdrawn: int = 0  # taken back (a paused or cancelled campaign) before their turn


def _looks(rows: list[Outbox]) -> dict[int, Look]:
    """The layout's branding per workspace of the batch, one query for all."""
    found = {
        b.workspace_id: b
        for b in Branding.objects.filter(workspace_id__in={row.workspace_id for row in rows})
    }
    return {row.workspace_id: Look.of(row.workspace, found.get(row.workspace_id)) for row in rows}


def unsubscribe_link(row: Outbox) -> str:
    """The footer's link: marketing mail, and the transactional kinds that offer an opt-out."""
    if row.kind == OutboxKind.MARKETING or row.source_type in OPT_OUT_SOURCES:
        return unsubscribe_url(row.pk)
    return ""


def _senders(rows: list[Outbox]) -> dict[int, tuple[str, str]]:
    """(from name, from address) per workspace of the batch."""
    found = {
        s.workspace_id: s
        for s in DeliverySettings.objects.filter(
            workspace_id__in={row.workspace_id for row in rows}
        )
    }
    senders = {}
    for row in rows:
        own = found.get(row.workspace_id)
        senders[row.workspace_id] = (
            (own.from_name if own else "") or row.workspace.name,
            (own.from_email if own else "") or settings.DEFAULT_FROM_EMAIL,
        )
    return senders


def envelope_for(
    row: Outbox, from_name: str, from_address: str, look: Look | None = None
) -> Envelope:
    """The signed message of one row, its text and HTML parts in the shop's layout; a
    forwarded message goes as it came."""
    if row.raw_message is not None:
        # Forwarded as it came: no From of ours, no signature of ours over the sender's.
        sender = bounce_address(row.pk) if row.envelope_sender is None else row.envelope_sender
        return Envelope(sender=sender, recipient=row.to_address, data=bytes(row.raw_message))
    look = look or Look.of(row.workspace)
    link = unsubscribe_link(row)
    html = mail_layout(
        look,
        fragment_html=row.body_html,
        text=row.body_text,
        language=row.language,
        unsubscribe_url=link,
        subject=row.subject,
    )
    draft = Draft(
        outbox_id=row.pk,
        message_id=row.message_id,
        from_name=from_name,
        from_address=from_address,
        to_name=row.to_name,
        to_address=row.to_address,
        subject=row.subject,
        body_text=text_with_footer(
            row.body_text, look, language=row.language, unsubscribe_url=link
        ),
        body_html=html,
        marketing=row.kind == OutboxKind.MARKETING,
        headers=tuple(sorted((str(k), str(v)) for k, v in (row.headers or {}).items())),
    )
    sender = bounce_address(row.pk)
    data = dkim_sign_configured(message_bytes(message_build(draft)))
    return Envelope(sender=sender, recipient=row.to_address, data=data)


def _changes(row: Outbox, outcome: Outcome, now: datetime) -> dict[str, object]:
    done = {
        "lease_until": None,
        "in_flight": False,
        "last_smtp_code": outcome.code,
        "last_smtp_reply": outcome.reply,
        "last_attempt_at": now,
    }
    if outcome is SUPPRESSED:
        return {**done, "status": OutboxStatus.SUPPRESSED}
    if outcome.verdict is Verdict.SENT:
        return {**done, "status": OutboxStatus.SENT, "sent_at": now}
    if outcome.verdict is Verdict.FAILED:
        return {**done, "status": OutboxStatus.FAILED}
    return {
        **done,
        "status": OutboxStatus.QUEUED,
        "next_attempt_at": now + retry_delay(row.attempts),
    }


def _event(row: Outbox, status: str, outcome: Outcome) -> Event:
    return event_build(
        workspace=row.workspace,
        kind=f"outreach.mail_{status}",
        subject_type="outbox",
        subject_id=row.pk,
        customer_id=row.customer_id,
        summary=row.subject,
        old={"status": OutboxStatus.QUEUED},
        new={"status": status, "smtp_code": outcome.code},
    )


def _record(results: list[tuple[Outbox, Outcome]], untried: list[Outbox]) -> list[Outbox]:
    """Write the outcomes; return the rows recorded as sent (a row whose lease another worker
    took meanwhile is not ours to record)."""
    now = timezone.now()
    events: list[Event] = []
    recorded: list[Outbox] = []
    with transaction.atomic():
        for row, outcome in results:
            changes = _changes(row, outcome, now)
            mine = Outbox.objects.filter(
                pk=row.pk, status=OutboxStatus.SENDING, leased_by=row.leased_by
            )
            if mine.update(**changes) and changes["status"] != OutboxStatus.QUEUED:
                events.append(_event(row, str(changes["status"]), outcome))
                if changes["status"] == OutboxStatus.SENT:
                    recorded.append(row)
                outbox_settled.send(
                    sender=Outbox,
                    outbox_id=row.pk,
                    workspace_id=row.workspace_id,
                    source_type=row.source_type,
                    source_id=row.source_id,
                    status=str(changes["status"]),
                )
            if outcome.hard_bounce:
                SuppressedAddress.objects.get_or_create(
                    workspace_id=row.workspace_id,
                    address=row.to_address,
                    defaults={
                        "reason": SuppressionReason.HARD_BOUNCE,
                        "source": f"outbox:{row.pk}",
                    },
                )
        for row in untried:
            # The relay went away before their turn: not an attempt, try again in a minute.
            Outbox.objects.filter(
                pk=row.pk, status=OutboxStatus.SENDING, leased_by=row.leased_by
            ).update(
                status=OutboxStatus.QUEUED,
                lease_until=None,
                in_flight=False,
                attempts=row.attempts - 1,
                next_attempt_at=now + timedelta(minutes=1),
            )
        events_record_many(events)
    return recorded


def _note_last_sent(sent: list[Outbox]) -> None:
    """Tell the data directory, once the batch is committed, the last message that went out
    (see `instance`: a database restored from an older dump will not know it as sent)."""
    if sent:
        last = max(sent, key=lambda row: row.pk)
        transaction.on_commit(lambda: last_sent_note(last.pk, last.message_id))


def _take(row: Outbox) -> bool:
    """Mark the row in flight if it is still ours; False when it was taken back meanwhile."""
    mine = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, leased_by=row.leased_by)
    return bool(mine.update(in_flight=True))


def _report(
    claimed: int, results: list[tuple[Outbox, Outcome]], relay_down: bool, withdrawn: int
) -> BatchReport:
    verdicts = [outcome for _, outcome in results]
    return BatchReport(
        claimed=claimed,
        sent=sum(o.verdict is Verdict.SENT for o in verdicts),
        retried=sum(o.verdict is Verdict.RETRY for o in verdicts),
        failed=sum(o.verdict is Verdict.FAILED and o is not SUPPRESSED for o in verdicts),
        suppressed=sum(o is SUPPRESSED for o in verdicts),
        relay_down=relay_down,
        withdrawn=withdrawn,
    )


def outbox_send_batch(
    *,
    relay: Relay,
    worker_id: str,
    limit: int = 25,
    lease: timedelta = DEFAULT_LEASE,
    bucket: Bucket | None = None,
) -> BatchReport:
    """Claim up to `limit` due rows and send them; the relay connection stays open."""
    rows = outbox_claim(worker_id=worker_id, limit=limit, lease=lease)
    if not rows:
        return BatchReport(0, 0, 0, 0, 0, relay_down=False)
    blocked = outbox_blocked(rows)
    senders = _senders(rows)
    looks = _looks(rows)
    results: list[tuple[Outbox, Outcome]] = []
    recorded = 0  # results[:recorded] are committed
    relay_down = False
    withdrawn: set[int] = set()
    try:
        for row in rows:
            if row.pk in blocked:
                outcome = SUPPRESSED
            elif needs_smtputf8(row.to_address, senders[row.workspace_id][1]):
                outcome = NOT_ASCII
            else:
                if bucket is not None:
                    bucket.take()
                if not _take(row):
                    withdrawn.add(row.pk)
                    continue
                code, reply = relay.deliver(
                    envelope_for(row, *senders[row.workspace_id], looks[row.workspace_id])
                )
                outcome = outcome_of(code, reply, attempts=row.attempts)
                relay_down = code is None
            results.append((row, outcome))
            # Written down before the next message goes: a crash from here on cannot send
            # this one again.
            _note_last_sent(_record(results[recorded:], []))
            recorded = len(results)
            if relay_down:
                log.warning("relay unreachable, batch stopped: %s", outcome.reply)
                break
    finally:
        # Also on SIGTERM/KeyboardInterrupt: what reached the relay must be recorded as sent,
        # and the rows not tried go back to the queue.
        tried = {row.pk for row, _ in results}
        untried = [row for row in rows if row.pk not in tried | withdrawn]
        if recorded < len(results) or untried:
            _note_last_sent(_record(results[recorded:], untried))
    return _report(len(rows), results, relay_down, len(withdrawn))
