"""Sending a step's message to the client, through the outbox."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from clientela.accounts.models import User
from clientela.accounts.policy import permit
from clientela.care import playbook
from clientela.care.models import Case, CaseStatus, CaseStep
from clientela.care.policy import CASE_WORK
from clientela.care.services.cases import (
    CLOSED,
    MAX_NOTE,
    CareError,
    clock_signal,
    status_move,
    step_mark,
)
from clientela.care.services.rating import rating_links
from clientela.inbox import signals as clock
from clientela.inbox.services.conversations import conversation_reply
from clientela.inbox.services.errors import InboxError
from clientela.mail import contact_allowed
from clientela.mail.contact import ContactPurpose
from clientela.mail.models import OutboxKind
from clientela.mail.services import OutboxDraft, outbox_enqueue
from clientela.timeline.services import event_record


def _rating_lines(case: Case) -> str:
    with translation.override(case.language):
        lines = [gettext("How did we handle this? One click tells us (1 = badly, 5 = very well):")]
        lines += [f"{score}: {url}" for score, url in rating_links(case)]
    return "\n".join(lines)


@transaction.atomic
def case_message_send(*, case: Case, actor: User | None, key: str, text: str) -> CaseStep:
    """Send step `key`'s message (`text`, edited by the member) and tick the step.

    The closing step's message carries the rating links. A proposing step moves the case to
    "solution proposed" with the text as the solution; the first message acknowledges it.
    """
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    step_def = playbook.step(case.handling, key)
    if step_def is None or not step_def.message:
        raise CareError("step", _("This step sends no message."))
    if case.status in CLOSED:
        raise CareError("step", _("The case is closed."))
    text = text.strip()
    if not text:
        raise CareError("draft", _("Write the message first."))
    if len(text) > MAX_NOTE:
        raise CareError("draft", _("Keep a message under 5,000 characters."))
    customer = case.customer
    verdict = contact_allowed(customer, ContactPurpose.REPLY)
    if not verdict.allowed:
        raise CareError(
            "draft",
            _("This client cannot be written to: %(reason)s.")
            % {"reason": str(verdict.reason.label if verdict.reason else "")},
        )
    body = text
    if key == playbook.CLOSING:
        body = f"{text}\n\n{_rating_lines(case)}"
    if case.conversation is not None:
        # In the conversation it came in: threaded under the client's message, through the
        # inbox (which sends through the outbox and times the conversation's own wait).
        try:
            conversation_reply(
                conversation=case.conversation, actor=actor, body=body, language=case.language
            )
        except InboxError as error:
            raise CareError("draft", str(error)) from error
    else:
        sent = CaseStep.objects.filter(case=case).exclude(done_at__isnull=True).count()
        with translation.override(case.language):
            subject = gettext("Re: %(subject)s") % {"subject": case.subject}
        outbox_enqueue(
            workspace=case.workspace,
            draft=OutboxDraft(
                to_address=customer.email,
                to_name=customer.display_name,
                subject=subject,
                body_text=body,
                kind=OutboxKind.TRANSACTIONAL,
                source_type="care.case",
                source_id=case.pk,
                dedup_key=f"care:{case.pk}:{key}:{sent}:{timezone.now().timestamp():.0f}",
                customer=customer,
                language=case.language,
            ),
        )
    CaseStep.objects.filter(case=case, key=key).update(draft=text)
    step = step_mark(case=case, actor=actor, key=key, done=True)
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.message_sent",
        subject=case,
        customer_id=case.customer_id,
        summary=str(step_def.title),
    )
    if case.status == CaseStatus.OPEN:
        status_move(case, actor, CaseStatus.ACKNOWLEDGED)
    if key in playbook.PROPOSING and case.status == CaseStatus.ACKNOWLEDGED:
        status_move(case, actor, CaseStatus.SOLUTION_PROPOSED, solution=text)
        clock_signal(clock.client_answered, case, actor_id=actor.pk if actor else None)
        clock_signal(clock.waiting_for_client, case)
    else:
        clock_signal(clock.client_answered, case, actor_id=actor.pk if actor else None)
    return step
