"""The ledger with its totals, proposing and deciding compensations, the certificate's one
showing of its code (with its PDF and e-mail), and the counter's redemption."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.client import client_ip
from clientela.accounts.scoping import scoped_get
from clientela.care.models import Case
from clientela.care.policy import CARE_REPORT_VIEW
from clientela.customers.models import Customer
from clientela.mail.contact import ContactNotAllowed
from clientela.rewards import selectors
from clientela.rewards.models import Compensation, GiftCertificate, RedemptionChannel
from clientela.rewards.policy import (
    CERTIFICATE_REDEEM,
    CERTIFICATE_SEND,
    COMPENSATION_APPROVE,
    COMPENSATION_PROPOSE,
    COMPENSATION_VIEW,
)
from clientela.rewards.returns import DEFAULT_DAYS, MIN_CASES, compensation_return
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.rewards.services.certificates import (
    CertificateNotFound,
    RedemptionRefused,
    TooManyGuesses,
    certificate_find,
    certificate_pdf,
    certificate_redeem,
    certificate_send,
    code_matches,
)
from clientela.rewards.services.compensations import (
    RECEIPT_CONTENT_TYPES,
    RECEIPT_MAX_BYTES,
    CompensationError,
    Given,
    compensation_approve,
    compensation_propose,
    compensation_reject,
    receipt_type,
)
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.rewards.forms import CaseProposeForm, ProposeForm, RedeemForm, ReturnForm
from clientela.web.rewards.panels import panel_context


@workspace_view(COMPENSATION_VIEW)
def ledger(request: WorkspaceRequest) -> HttpResponse:
    context = {
        "rows": selectors.ledger(request.workspace)[:200],
        "totals": selectors.ledger_totals(request.workspace),
        "share": int(selectors.BUDGET_SHARE * 100),
        "floor": selectors.BUDGET_FLOOR,
        "cap": selectors.BUDGET_CAP,
    }
    return render(request, "web/rewards/ledger.html", context)


@workspace_view(COMPENSATION_VIEW)
def compensation(request: WorkspaceRequest, pk: int) -> HttpResponse:
    row = scoped_get(Compensation, request.workspace, pk)
    certificate = GiftCertificate.objects.filter(compensation=row).first()
    redemptions = certificate.redemptions.order_by("at") if certificate else []
    context = {"row": row, "certificate": certificate, "redemptions": redemptions}
    return render(request, "web/rewards/compensation.html", context)


@workspace_view(COMPENSATION_VIEW)
def receipt(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The receipt's photo, to members of its workspace only. Its type is read from the stored
    bytes (checked at upload); the headers keep it from running as anything else in our
    origin: nosniff, a sandbox, and a PDF as a download (browsers refuse to show a PDF in
    a sandboxed document)."""
    row = scoped_get(Compensation, request.workspace, pk)
    if not row.receipt:
        raise Http404
    with row.receipt.open("rb") as stored:
        data = stored.read(RECEIPT_MAX_BYTES + 1)
    ext = receipt_type(data[:8])
    content_type = RECEIPT_CONTENT_TYPES.get(ext or "", "application/octet-stream")
    inline = ext in ("jpg", "png")
    response = HttpResponse(data, content_type=content_type)
    name = f"receipt-{row.pk}.{ext or 'bin'}"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _issued(request: WorkspaceRequest, given: Given) -> HttpResponse:
    if given.certificate is not None and given.code is not None:
        # The one page that ever shows the code: it is not stored, only its HMAC.
        return render(
            request,
            "web/rewards/issued.html",
            {"certificate": given.certificate, "code": given.code},
        )
    messages.success(request, _("Saved."))
    return redirect("web:rewards", ws=request.workspace.slug)


@workspace_view(COMPENSATION_PROPOSE)
def propose(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = scoped_get(Customer, request.workspace, pk)
    catalogue_seed(workspace=request.workspace)
    items = selectors.catalogue(request.workspace, active_only=True)
    form = ProposeForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            given = compensation_propose(customer=customer, actor=request.user, **form.cleaned_data)
        except CompensationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _issued(request, given)
    budget = selectors.budget_for(customer)
    context = {
        "form": form,
        "customer": customer,
        "budget": budget,
        "share": int(selectors.BUDGET_SHARE * 100),
        "floor": selectors.BUDGET_FLOOR,
        "cap": selectors.BUDGET_CAP,
    }
    return render(request, "web/rewards/propose.html", context)


@workspace_view(COMPENSATION_PROPOSE)
def propose_for_case(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The case page's "offer a compensation": given, it leads back to the case (or to the
    certificate's one showing of its code); refused, the form comes back with its errors."""
    case = scoped_get(Case.objects.select_related("customer", "workspace"), request.workspace, pk)
    catalogue_seed(workspace=request.workspace)
    items = selectors.catalogue(request.workspace, active_only=True)
    form = CaseProposeForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            given = compensation_propose(
                customer=case.customer, actor=request.user, case=case, **form.cleaned_data
            )
        except CompensationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if given.code is not None:
                return _issued(request, given)
            messages.success(request, _("Saved."))
            return redirect("web:care_case", ws=request.workspace.slug, pk=case.pk)
    context = panel_context(case, form)
    context["may_propose"] = True
    return render(request, "web/rewards/propose_case.html", context)


@workspace_view(COMPENSATION_APPROVE)
def decide(request: WorkspaceRequest, pk: int) -> HttpResponse:
    compensation = scoped_get(Compensation, request.workspace, pk)
    if request.method != "POST":
        return redirect("web:rewards", ws=request.workspace.slug)
    try:
        if request.POST.get("decision") == "approve":
            return _issued(
                request, compensation_approve(compensation=compensation, actor=request.user)
            )
        compensation_reject(
            compensation=compensation,
            actor=request.user,
            reason=request.POST.get("reason", "")[:500],
        )
    except CompensationError as error:
        messages.error(request, error.message)
    return redirect("web:rewards", ws=request.workspace.slug)


@workspace_view(CERTIFICATE_SEND)
def certificate_print(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """POST only, with the code typed back (or carried by the issued page's form)."""
    certificate = scoped_get(GiftCertificate, request.workspace, pk)
    code = request.POST.get("code", "")[:40] if request.method == "POST" else ""
    if not code_matches(certificate, code):
        return HttpResponse(_("The code does not belong to this certificate."), status=400)
    if request.POST.get("action") == "send":
        try:
            sent = certificate_send(certificate=certificate, actor=request.user, code=code)
        except (ContactNotAllowed, RedemptionRefused) as error:
            messages.error(request, str(getattr(error, "verdict", error)))
        else:
            messages.success(request, _("Queued for sending.") if sent else _("Already sent."))
        return render(
            request, "web/rewards/issued.html", {"certificate": certificate, "code": code}
        )
    response = HttpResponse(
        certificate_pdf(certificate=certificate, code=code), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@workspace_view(CERTIFICATE_REDEEM)
def counter(request: WorkspaceRequest) -> HttpResponse:
    form = RedeemForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificate_find(
                workspace=request.workspace,
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                staff=True,
            )
            redemption = certificate_redeem(
                certificate=certificate,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                channel=RedemptionChannel.COUNTER,
                ip=client_ip(request),
            )
        except TooManyGuesses:
            form.add_error(None, _("Too many wrong codes from here: try again in an hour."))
        except CertificateNotFound:
            form.add_error("code", _("No certificate of this shop has this code."))
        except RedemptionRefused as error:
            form.add_error("amount", error.message)
        else:
            context.update(
                redemption=redemption, certificate=redemption.certificate, form=RedeemForm()
            )
    return render(request, "web/rewards/counter.html", context)


@workspace_view(CARE_REPORT_VIEW)
def return_report(request: WorkspaceRequest) -> HttpResponse:
    """Did compensations bring clients back? The last year by default."""
    today = timezone.now().astimezone(ZoneInfo(request.workspace.time_zone)).date()
    initial: dict[str, Any] = {
        "start": today - dt.timedelta(days=365),
        "end": today,
        "days": DEFAULT_DAYS,
    }
    form = ReturnForm(request.GET or initial)
    data = form.cleaned_data if form.is_valid() else initial
    report = compensation_return(
        request.workspace, start=data["start"], end=data["end"], days=data["days"]
    )
    context = {"form": form, "report": report, "min_cases": MIN_CASES}
    return render(request, "web/rewards/return.html", context)
