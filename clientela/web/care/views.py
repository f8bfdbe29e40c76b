"""The complaint pages: the list, a new case, the case with its playbook, lessons, the report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clientela.accounts.models import Membership
from clientela.accounts.policy import NotPermitted
from clientela.accounts.scoping import scoped_get, settings_for
from clientela.care import playbook
from clientela.care.models import CareSettings, Case, Handling
from clientela.care.policy import (
    CARE_REPORT_VIEW,
    CARE_SETTINGS_UPDATE,
    CASE_OPEN,
    CASE_REVIEW,
    CASE_VIEW,
    CASE_WORK,
    HANDLING_OVERRIDE,
)
from clientela.care.selectors import (
    care_report,
    cases_filtered,
    draft_hints,
    fact_log,
    lessons,
    recent_lessons,
)
from clientela.care.services import cases as case_services
from clientela.care.services.cases import TRANSITIONS, CareError
from clientela.care.services.messages import case_message_send
from clientela.commerce.models import Order
from clientela.customers.selectors import customer_by_email
from clientela.customers.services import CustomerError, customer_create
from clientela.inbox.models import Conversation, Direction
from clientela.web import nav
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.care.forms import (
    CaseFilterForm,
    CaseForm,
    HandlingForm,
    MessageForm,
    ReviewForm,
    SettingsForm,
    SolutionForm,
    StepForm,
)

PAGE_SIZE = 50


@workspace_view(CASE_VIEW)
def case_list(request: WorkspaceRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or {"status": "open"})
    form.is_valid()
    data = form.cleaned_data if form.is_valid() else {"status": "open", "q": ""}
    cases = cases_filtered(request.workspace, status=data["status"], query=data["q"])
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/care/list.html", {"form": form, "page": page})


def _customer_for(request: WorkspaceRequest, form: CaseForm) -> Any:
    email = form.cleaned_data["customer_email"]
    customer = customer_by_email(workspace=request.workspace, address=email)
    if customer is not None:
        return customer
    first, _sep, last = form.cleaned_data["customer_name"].strip().partition(" ")
    return customer_create(
        workspace=request.workspace,
        actor=request.user,
        email=email,
        first_name=first[:100],
        last_name=last[:100],
    )


def _from_conversation(request: WorkspaceRequest, raw: object) -> Conversation | None:
    """The conversation a complaint is opened from (`?conversation=` or the hidden field)."""
    if not str(raw or "").isdigit():
        return None
    return scoped_get(
        Conversation.objects.select_related("customer"), request.workspace, int(str(raw))
    )


def _initial_from(conversation: Conversation) -> dict[str, object]:
    """The form filled from the client's last message: their address, its subject, its words."""
    last = conversation.messages.filter(direction=Direction.INBOUND).order_by("-created_at").first()
    customer = conversation.customer
    return {
        "conversation": conversation.pk,
        "customer_email": customer.email if customer and customer.email else conversation.reply_to,
        "customer_name": customer.display_name if customer else "",
        "subject": (conversation.subject or "")[:200],
        "complaint": last.body if last is not None else "",
        "channel": "web" if conversation.channel == "form" else "email",
    }


@workspace_view(CASE_OPEN)
def case_new(request: WorkspaceRequest) -> HttpResponse:
    source = request.POST.get("conversation") if request.method == "POST" else None
    conversation = _from_conversation(request, source or request.GET.get("conversation"))
    initial = _initial_from(conversation) if conversation is not None else None
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer = _customer_for(request, form)
            order = None
            number = form.cleaned_data.get("order_number")
            if number:
                order = Order.objects.for_workspace(request.workspace).filter(pk=number).first()
                if order is None:
                    raise CareError("order_number", _("No such order in this workspace."))
            case = case_services.case_open(
                workspace=request.workspace,
                actor=request.user,
                customer=customer,
                subject=form.cleaned_data["subject"],
                complaint=form.cleaned_data["complaint"],
                channel=form.cleaned_data["channel"],
                category=form.cleaned_data["category"],
                severity=form.cleaned_data["severity"],
                order=order,
                conversation=conversation,
            )
        except CareError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        except CustomerError as error:
            form.add_error("customer_email", error.message)
        except NotPermitted:
            form.add_error(
                "customer_email",
                _("This address is not a client yet, and only a manager can add clients."),
            )
        else:
            messages.success(request, _("Complaint opened."))
            return redirect("web:care_case", ws=request.workspace.slug, pk=case.pk)
    return render(request, "web/care/new.html", {"form": form})


def _case(request: WorkspaceRequest, pk: int) -> Case:
    return scoped_get(
        Case.objects.select_related("customer", "order", "assignee", "workspace"),
        request.workspace,
        pk,
    )


@workspace_view(CASE_VIEW)
def case_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    steps = list(case.steps.all())
    definitions = {s.key: s for s in playbook.steps_for(case.handling)}
    reader = translation.get_language() or case.language
    rows = [
        {
            "step": step,
            "definition": definitions.get(step.key)
            or playbook.step(Handling.RECOVERY, step.key)
            or playbook.step(Handling.FACTS, step.key),
            "hints": draft_hints(step.draft, case=case, reader=reader) if not step.done_at else [],
        }
        for step in steps
    ]
    members = Membership.objects.filter(workspace=request.workspace).select_related("user")
    context = {
        "case": case,
        "rows": rows,
        "transitions": TRANSITIONS.get(case.status, ()),
        "facts": fact_log(case) if case.handling == Handling.FACTS else [],
        "review": getattr(case, "review", None),
        "rating": getattr(case, "rating", None),
        "review_form": ReviewForm(),
        "solution_form": SolutionForm(),
        "handling_form": HandlingForm(
            initial={
                "handling": Handling.RECOVERY if case.handling == Handling.FACTS else Handling.FACTS
            }
        ),
        "members": members,
        "closed": case.status in case_services.CLOSED,
        # What the apps above care add (rewards: the compensation offered on this case).
        "panels": [
            render_to_string(panel.template, panel.context, request=request)
            for panel in nav.case_panels(request, case)
        ],
    }
    return render(request, "web/care/case.html", context)


def _back(request: WorkspaceRequest, case: Case) -> HttpResponse:
    return redirect("web:care_case", ws=request.workspace.slug, pk=case.pk)


@workspace_view(CASE_WORK)
def case_send(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = MessageForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        messages.error(request, _("Write the message first."))
        return _back(request, case)
    if "check" in request.POST:
        try:
            case_services.step_draft_save(
                case=case,
                actor=request.user,
                key=form.cleaned_data["key"],
                draft=form.cleaned_data["text"],
            )
        except CareError as error:
            messages.error(request, error.message)
        return redirect(
            f"{reverse('web:care_case', kwargs={'ws': request.workspace.slug, 'pk': case.pk})}"
            f"#step-{form.cleaned_data['key']}"
        )
    try:
        case_message_send(
            case=case,
            actor=request.user,
            key=form.cleaned_data["key"],
            text=form.cleaned_data["text"],
        )
    except CareError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message queued for sending."))
    return _back(request, case)


@workspace_view(CASE_WORK)
def case_step(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = StepForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.step_mark(
                case=case,
                actor=request.user,
                key=form.cleaned_data["key"],
                done=form.cleaned_data["done"],
            )
        except CareError as error:
            messages.error(request, error.message)
    return _back(request, case)


@workspace_view(CASE_WORK)
def case_status(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method != "POST":
        return _back(request, case)
    form = SolutionForm(request.POST)
    solution = form.cleaned_data["solution"] if form.is_valid() else ""
    try:
        case_services.case_status_set(
            case=case, actor=request.user, status=request.POST.get("status", ""), solution=solution
        )
    except CareError as error:
        messages.error(request, error.message)
    return _back(request, case)


@workspace_view(CASE_REVIEW)
def case_review(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ReviewForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_review(case=case, actor=request.user, **form.cleaned_data)
        except CareError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Review saved."))
    elif request.method == "POST":
        messages.error(request, _("A review needs all three answers."))
    return _back(request, case)


@workspace_view(HANDLING_OVERRIDE)
def case_handling(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = HandlingForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_handling_set(case=case, actor=request.user, **form.cleaned_data)
        except CareError as error:
            messages.error(request, error.message)
    elif request.method == "POST":
        messages.error(request, _("Say why you change how this case is handled."))
    return _back(request, case)


@workspace_view(CASE_WORK)
def case_assign(request: WorkspaceRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method == "POST":
        raw = request.POST.get("assignee", "")
        membership = (
            Membership.objects.filter(workspace=request.workspace, user_id=int(raw))
            .select_related("user")
            .first()
            if raw.isdigit()
            else None
        )
        try:
            case_services.case_assign(
                case=case, actor=request.user, assignee=membership.user if membership else None
            )
        except CareError as error:
            messages.error(request, error.message)
    return _back(request, case)


@workspace_view(CASE_VIEW)
def lesson_list(request: WorkspaceRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(lessons(request.workspace, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "web/care/lessons.html", {"page": page, "query": query})


@workspace_view(CARE_REPORT_VIEW)
def care_report_page(request: WorkspaceRequest) -> HttpResponse:
    current = settings_for(CareSettings, request.workspace)
    form = SettingsForm(
        request.POST or None, initial={"complainer_threshold": current.complainer_threshold}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.care_settings_update(
                workspace=request.workspace,
                actor=request.user,
                complainer_threshold=form.cleaned_data["complainer_threshold"],
            )
        except CareError as error:
            form.add_error("complainer_threshold", error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("web:care_report", ws=request.workspace.slug)
    report = care_report(request.workspace)
    reviews, latest = recent_lessons(request.workspace)
    return render(
        request,
        "web/care/report.html",
        {
            "report": report,
            "reviews": reviews,
            "latest": latest,
            "form": form,
            "may_change": request.membership is not None
            and CARE_SETTINGS_UPDATE.admits(request.membership.role),
        },
    )
