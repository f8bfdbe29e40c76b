"""Opening a case, moving it through its statuses, and its playbook steps."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import Membership, User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.care import playbook
from clientela.care.models import (
    CareSettings,
    Case,
    CaseReview,
    CaseStatus,
    CaseStep,
    Category,
    Channel,
    Handling,
    Severity,
)
from clientela.care.policy import (
    CARE_SETTINGS_UPDATE,
    CASE_OPEN,
    CASE_REVIEW,
    CASE_WORK,
    HANDLING_OVERRIDE,
)
from clientela.care.services.profile import complainer_profile
from clientela.commerce.models import Order, Product
from clientela.customers.models import Customer
from clientela.inbox import signals as clock
from clientela.inbox.models import Conversation
from clientela.timeline.services import event_record

SUBJECT = "case"  # how the waiting clock names a case
MAX_COMPLAINT = 20_000
MAX_NOTE = 5_000

# Which status may follow which; each move is a service below.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.OPEN: (CaseStatus.ACKNOWLEDGED, CaseStatus.NOT_RESOLVED),
    CaseStatus.ACKNOWLEDGED: (CaseStatus.SOLUTION_PROPOSED, CaseStatus.NOT_RESOLVED),
    CaseStatus.SOLUTION_PROPOSED: (
        CaseStatus.RESOLVED,
        CaseStatus.NOT_RESOLVED,
        CaseStatus.ACKNOWLEDGED,  # the client turned the solution down; look for another
    ),
    CaseStatus.RESOLVED: (CaseStatus.REVIEWED,),
    CaseStatus.NOT_RESOLVED: (CaseStatus.REVIEWED,),
    CaseStatus.REVIEWED: (),
}
CLOSED = (CaseStatus.RESOLVED, CaseStatus.NOT_RESOLVED, CaseStatus.REVIEWED)


class CareError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _case_url(case: Case) -> str:
    return reverse("web:care_case", kwargs={"ws": case.workspace.slug, "pk": case.pk})


def _steps_create(case: Case, *, start: int = 0, skip: frozenset[str] = frozenset()) -> None:
    """Add the steps of the case's playbook, with their reply drafts, from position `start`;
    the keys in `skip` (steps already done) are left out."""
    name = case.customer.first_name or case.customer.display_name
    steps = [s for s in playbook.steps_for(case.handling) if s.key not in skip]
    CaseStep.objects.bulk_create(
        CaseStep(
            workspace=case.workspace,
            case=case,
            key=step.key,
            position=start + i,
            draft=playbook.draft_text(
                case.handling,
                step.key,
                language=case.language,
                name=name,
                subject=case.subject,
                shop=case.workspace.name,
            )
            if step.message
            else "",
        )
        for i, step in enumerate(steps)
    )


@transaction.atomic
def case_open(
    *,
    workspace: Workspace,
    actor: User | None,
    customer: Customer,
    subject: str,
    complaint: str,
    channel: str = Channel.EMAIL,
    category: str = Category.OTHER,
    severity: str = Severity.MEDIUM,
    order: Order | None = None,
    product: Product | None = None,
    conversation: Conversation | None = None,
    opened_at: Any = None,
) -> Case:
    """Open a complaint case, read the client's complainer profile, and start the clock."""
    permit(actor=actor, workspace=workspace, rule=CASE_OPEN)
    subject, complaint = subject.strip(), complaint.strip()
    if not subject:
        raise CareError("subject", _("Say in a few words what the complaint is about."))
    if len(subject) > 200:
        raise CareError("subject", _("Keep the subject under 200 characters."))
    if not complaint:
        raise CareError("complaint", _("Write down the client's complaint in their words."))
    if len(complaint) > MAX_COMPLAINT:
        raise CareError("complaint", _("The complaint is too long (at most 20,000 characters)."))
    for value, choices, field in (
        (channel, Channel, "channel"),
        (category, Category, "category"),
        (severity, Severity, "severity"),
    ):
        if value not in choices.values:
            raise CareError(field, _("Choose one of the listed values."))
    linked_rows = (
        (customer, "customer"),
        (order, "order"),
        (product, "product"),
        (conversation, "conversation"),
    )
    for linked, field in linked_rows:
        if linked is not None and linked.workspace_id != workspace.pk:
            raise CareError(field, _("Not found in this workspace."))
    if order is not None and order.customer_id != customer.pk:
        raise CareError("order", _("This order is not the client's."))
    profile = complainer_profile(workspace=workspace, customer=customer, new_complaint=complaint)
    threshold = settings_for(CareSettings, workspace).complainer_threshold
    handling = Handling.FACTS if profile.chronic(threshold) else Handling.RECOVERY
    case = Case.objects.create(
        workspace=workspace,
        customer=customer,
        order=order,
        product=product,
        conversation=conversation,
        channel=channel,
        category=category,
        severity=severity,
        subject=subject,
        complaint=complaint,
        language=customer.language or workspace.default_language,
        handling=handling,
        complainer_score=profile.score,
        complainer_reasons=[
            {"key": s.key, "points": s.points, "weight": s.weight, "value": s.value}
            for s in profile.signs
        ],
        opened_by=actor,
        opened_at=opened_at or timezone.now(),
    )
    _steps_create(case)
    event_record(
        workspace=workspace,
        actor=actor,
        kind="care.case_opened",
        subject=case,
        customer_id=customer.pk,
        summary=subject[:200],
        new={"category": category, "severity": severity, "channel": channel},
    )
    clock.client_wrote.send(
        sender=Case,
        workspace_id=workspace.pk,
        subject=SUBJECT,
        subject_id=case.pk,
        customer_id=customer.pk,
        channel=channel,
        at=case.opened_at,
        title=subject,
        url=_case_url(case),
    )
    return case


def status_move(case: Case, actor: User | None, new: str, **fields: Any) -> Case:
    old = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    if old is None or new not in TRANSITIONS.get(old, ()):
        raise CareError(
            "status",
            _("A case that is %(old)s cannot become %(new)s.")
            % {
                "old": str(CaseStatus(old).label).lower() if old else "",
                "new": str(CaseStatus(new).label).lower(),
            },
        )
    # Conditional: two clicks at once move it once; the second finds it moved.
    if not Case.objects.filter(pk=case.pk, status=old).update(status=new, **fields):
        raise CareError("status", _("The case changed meanwhile; reload the page."))
    case.status = new
    for name, value in fields.items():
        setattr(case, name, value)
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.case_status_changed",
        subject=case,
        customer_id=case.customer_id,
        old={"status": old},
        new={"status": new},
    )
    return case


def clock_signal(signal: Any, case: Case, **extra: Any) -> None:
    signal.send(
        sender=Case,
        workspace_id=case.workspace_id,
        subject=SUBJECT,
        subject_id=case.pk,
        at=timezone.now(),
        **extra,
    )


@transaction.atomic
def case_acknowledge(*, case: Case, actor: User | None) -> Case:
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    return status_move(case, actor, CaseStatus.ACKNOWLEDGED)


@transaction.atomic
def case_propose(*, case: Case, actor: User | None, solution: str) -> Case:
    """Record the solution proposed; the clock waits for the client's answer."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    solution = solution.strip()
    if not solution:
        raise CareError("solution", _("Write the solution you proposed."))
    if len(solution) > MAX_NOTE:
        raise CareError("solution", _("Keep the solution under 5,000 characters."))
    case = status_move(case, actor, CaseStatus.SOLUTION_PROPOSED, solution=solution)
    clock_signal(clock.waiting_for_client, case)
    return case


@transaction.atomic
def case_resolve(*, case: Case, actor: User | None) -> Case:
    """Close as resolved: only once the client has been thanked (the guide's last steps)."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    thanked = CaseStep.objects.filter(
        case=case, key=playbook.THANKS, done_at__isnull=False
    ).exists()
    if not thanked:
        raise CareError(
            "status",
            _("Thank the client first: a case is resolved only after the thank-you step."),
        )
    now = timezone.now()
    case = status_move(case, actor, CaseStatus.RESOLVED, resolved_at=now, closed_at=now)
    clock_signal(clock.subject_closed, case)
    return case


@transaction.atomic
def case_not_resolved(*, case: Case, actor: User | None) -> Case:
    """Close as not resolved; the case then waits for its review."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    case = status_move(case, actor, CaseStatus.NOT_RESOLVED, closed_at=timezone.now())
    clock_signal(clock.subject_closed, case)
    return case


@transaction.atomic
def case_reopen_search(*, case: Case, actor: User | None) -> Case:
    """The client turned the proposed solution down: back to looking for one."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    return status_move(case, actor, CaseStatus.ACKNOWLEDGED)


@transaction.atomic
def case_review(
    *, case: Case, actor: User | None, what_went_wrong: str, lesson: str, change: str
) -> CaseReview:
    """What went wrong, the lesson and the change decided; the case becomes reviewed."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_REVIEW)
    values = {"what_went_wrong": what_went_wrong, "lesson": lesson, "change": change}
    for field, value in values.items():
        if not value.strip():
            raise CareError(field, _("A review needs all three answers."))
        if len(value) > MAX_NOTE:
            raise CareError(field, _("Keep each answer under 5,000 characters."))
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.NOT_RESOLVED):
        raise CareError("status", _("Review a case once it is closed."))
    status_move(case, actor, CaseStatus.REVIEWED)
    review = CaseReview.objects.create(
        workspace=case.workspace,
        case=case,
        written_by=actor,
        **{k: v.strip() for k, v in values.items()},
    )
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.case_reviewed",
        subject=case,
        customer_id=case.customer_id,
        summary=review.lesson[:200],
    )
    return review


@transaction.atomic
def step_mark(*, case: Case, actor: User | None, key: str, done: bool) -> CaseStep:
    """Tick or untick a playbook step; the time and the member are kept."""
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    if case.status in CLOSED:
        raise CareError("step", _("The case is closed."))
    step = CaseStep.objects.filter(case=case, key=key).first()
    if step is None:
        raise CareError("step", _("This case has no such step."))
    if done == (step.done_at is not None):
        return step
    step.done_at = timezone.now() if done else None
    step.done_by = actor if done else None
    step.save(update_fields=["done_at", "done_by"])
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.step_done" if done else "care.step_undone",
        subject=case,
        customer_id=case.customer_id,
        summary=str(getattr(playbook.step(case.handling, key), "title", key)),
        new={"step": key},
    )
    return step


@transaction.atomic
def step_draft_save(*, case: Case, actor: User | None, key: str, draft: str) -> CaseStep:
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    if len(draft) > MAX_NOTE:
        raise CareError("draft", _("Keep a draft under 5,000 characters."))
    step = CaseStep.objects.filter(case=case, key=key).first()
    if step is None:
        raise CareError("step", _("This case has no such step."))
    step.draft = draft
    step.save(update_fields=["draft"])
    return step


@transaction.atomic
def case_handling_set(*, case: Case, actor: User | None, handling: str, reason: str) -> Case:
    """A manager chooses recovery or fact-based handling against the score, with a reason."""
    permit(actor=actor, workspace=case.workspace, rule=HANDLING_OVERRIDE)
    if handling not in Handling.values:
        raise CareError("handling", _("Choose one of the listed values."))
    reason = reason.strip()
    if not reason:
        raise CareError("reason", _("Say why you change how this case is handled."))
    if len(reason) > MAX_NOTE:
        raise CareError("reason", _("Keep the reason under 5,000 characters."))
    if case.status in CLOSED:
        raise CareError("handling", _("The case is closed."))
    old = case.handling
    if old == handling:
        raise CareError("handling", _("The case is already handled this way."))
    # Steps already done keep their time; the new playbook's steps are added after them.
    done = set(
        CaseStep.objects.filter(case=case, done_at__isnull=False).values_list("key", flat=True)
    )
    CaseStep.objects.filter(case=case, done_at__isnull=True).delete()
    case.handling = handling
    case.handling_reason = reason
    case.save(update_fields=["handling", "handling_reason"])
    _steps_create(case, start=len(done), skip=frozenset(done))
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.handling_changed",
        subject=case,
        customer_id=case.customer_id,
        summary=reason[:200],
        old={"handling": old},
        new={"handling": handling},
    )
    return case


@transaction.atomic
def case_assign(*, case: Case, actor: User | None, assignee: User | None) -> Case:
    permit(actor=actor, workspace=case.workspace, rule=CASE_WORK)
    if (
        assignee is not None
        and not Membership.objects.filter(workspace=case.workspace, user=assignee).exists()
    ):
        raise CareError("assignee", _("Not a member of this workspace."))
    old = case.assignee_id
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    event_record(
        workspace=case.workspace,
        actor=actor,
        kind="care.case_assigned",
        subject=case,
        customer_id=case.customer_id,
        old={"assignee": old},
        new={"assignee": assignee.pk if assignee else None},
    )
    return case


@transaction.atomic
def care_settings_update(
    *, workspace: Workspace, actor: User | None, complainer_threshold: int
) -> CareSettings:
    permit(actor=actor, workspace=workspace, rule=CARE_SETTINGS_UPDATE)
    if not 1 <= complainer_threshold <= 100:
        raise CareError("complainer_threshold", _("Choose a threshold from 1 to 100."))
    current, _created = CareSettings.objects.get_or_create(workspace=workspace)
    old = current.complainer_threshold
    current.complainer_threshold = complainer_threshold
    current.updated_at = timezone.now()
    current.save(update_fields=["complainer_threshold", "updated_at"])
    event_record(
        workspace=workspace,
        actor=actor,
        kind="care.settings_changed",
        old={"complainer_threshold": old},
        new={"complainer_threshold": complainer_threshold},
    )
    return current


def case_status_set(*, case: Case, actor: User | None, status: str, solution: str = "") -> Case:
    """The status buttons and the API: one entry to the transition services above."""
    if status == CaseStatus.ACKNOWLEDGED and case.status == CaseStatus.SOLUTION_PROPOSED:
        return case_reopen_search(case=case, actor=actor)
    if status == CaseStatus.ACKNOWLEDGED:
        return case_acknowledge(case=case, actor=actor)
    if status == CaseStatus.SOLUTION_PROPOSED:
        return case_propose(case=case, actor=actor, solution=solution)
    if status == CaseStatus.RESOLVED:
        return case_resolve(case=case, actor=actor)
    if status == CaseStatus.NOT_RESOLVED:
        return case_not_resolved(case=case, actor=actor)
    raise CareError("status", _("Choose one of the listed values."))
