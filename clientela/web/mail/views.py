"""Delivery pages: whether mail leaves and why not, failed messages, suppressions, sent mail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.mail.models import Outbox, OutboxStatus, PauseReason
from clientela.mail.policy import DELIVERY_PAUSE_SET, DELIVERY_VIEW
from clientela.mail.selectors import (
    delivery_status,
    outbox_for_workspace,
    suppression_for_workspace,
)
from clientela.mail.sentmail import sent_mail_for_workspace, sent_mail_open
from clientela.mail.services import delivery_pause_set
from clientela.outreach.counts import message_counts
from clientela.web.access import WorkspaceRequest, workspace_view

PAGE_SIZE = 25


@workspace_view(DELIVERY_VIEW)
def delivery(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    search = request.GET.get("q", "")[:100]
    failed = outbox_for_workspace(workspace, status=OutboxStatus.FAILED).only(
        "pk", "to_address", "subject", "last_smtp_code", "last_smtp_reply", "last_attempt_at"
    )
    status = delivery_status(workspace)
    context = {
        "status": status,
        "reason": PauseReason(status.pause_reason).label if status.pause_reason else "",
        # The figures every outreach page shows (Automations, a campaign), for all the mail.
        "counts": message_counts(workspace),
        "failed": Paginator(failed, PAGE_SIZE).get_page(request.GET.get("page")),
        "suppressed": Paginator(
            suppression_for_workspace(workspace, search=search), PAGE_SIZE
        ).get_page(request.GET.get("spage")),
        "search": search,
    }
    return render(request, "web/outreach/delivery.html", context)


@workspace_view(DELIVERY_PAUSE_SET)
@require_POST
def delivery_pause(request: WorkspaceRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in {"pause", "resume"}:
        messages.error(request, _("Unknown action."))
    else:
        delivery_pause_set(
            workspace=request.workspace, paused=action == "pause", actor=request.user
        )
        messages.success(
            request, _("Sending paused.") if action == "pause" else _("Sending resumed.")
        )
    return redirect("web:outreach_delivery", ws=request.workspace.slug)


@workspace_view(DELIVERY_VIEW)
def mailsink(request: WorkspaceRequest) -> HttpResponse:
    sent = sent_mail_for_workspace(request.workspace)
    page = (
        Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page")) if sent is not None else None
    )
    return render(request, "web/outreach/mailsink.html", {"messages_sent": page})


@workspace_view(DELIVERY_VIEW)
def mailsink_message(request: WorkspaceRequest, pk: int) -> HttpResponse:
    row = Outbox.objects.for_workspace(request.workspace).filter(pk=pk).first()
    if row is None:
        raise Http404
    return render(
        request,
        "web/outreach/mailsink_message.html",
        {"row": row, "received": sent_mail_open(row)},
    )
