"""The inbox's pages: the list, a conversation with its reply box, attachments, settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.models import Membership, User
from clientela.accounts.scoping import scoped_get, settings_for
from clientela.inbox.models import Attachment, Conversation, ImapMailbox, InboxSettings
from clientela.inbox.policy import (
    CONVERSATION_REPLY,
    CONVERSATION_STATUS,
    INBOX_SETTINGS_UPDATE,
)
from clientela.inbox.selectors import PAGE, conversation_messages, conversations_filtered
from clientela.inbox.services.conversations import (
    conversation_assign,
    conversation_note,
    conversation_reply,
    conversation_status_set,
)
from clientela.inbox.services.errors import InboxError
from clientela.inbox.services.setup import imap_mailbox_save, inbox_settings_update
from clientela.web.access import WorkspaceRequest, workspace_view
from clientela.web.inbox.forms import ImapForm, InboxSettingsForm, ReplyForm, StatusFilterForm
from clientela.web.inbox.replies import TEMPLATES, reply_start


@workspace_view()
def inbox(request: WorkspaceRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET)
    status, mine = "", False
    if form.is_valid():
        status, mine = form.cleaned_data["status"], form.cleaned_data["mine"]
    rows = conversations_filtered(
        workspace=request.workspace,
        status=status,
        assignee=request.user if mine else None,
    )[:PAGE]
    context = {"form": form, "conversations": rows}
    if request.htmx and request.htmx.target == "conversation-rows":
        return render(request, "web/inbox/_rows.html", context)
    return render(request, "web/inbox/list.html", context)


def _members(request: WorkspaceRequest) -> list[User]:
    rows = Membership.objects.filter(workspace=request.workspace).select_related("user")
    return sorted((row.user for row in rows), key=lambda user: user.name or user.email)


@workspace_view()
def conversation(request: WorkspaceRequest, pk: int) -> HttpResponse:
    row = scoped_get(
        Conversation.objects.select_related("customer", "assignee"), request.workspace, pk
    )
    language = request.GET.get("lang") or (row.customer.language if row.customer else "ro")
    language = language if language in ("ro", "en") else "ro"
    template = request.GET.get("template", "hello")
    name = row.customer.first_name if row.customer else ""
    signer = request.user.name or request.workspace.name
    form = ReplyForm(
        initial={
            "language": language,
            "body": reply_start(template, language=language, name=name, signer=signer),
        }
    )
    context = {
        "conversation": row,
        "thread": conversation_messages(row),
        "form": form,
        "templates": TEMPLATES.items(),
        "language": language,
        "members": _members(request),
        "statuses": row._meta.get_field("status").choices,
    }
    return render(request, "web/inbox/conversation.html", context)


@workspace_view(CONVERSATION_REPLY)
@require_POST
def conversation_answer(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The reply box's two buttons: send to the customer, or keep as an internal note."""
    row = scoped_get(Conversation, request.workspace, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return redirect("web:conversation", ws=request.workspace.slug, pk=pk)
    body = form.cleaned_data["body"]
    try:
        if request.POST.get("action") == "note":
            conversation_note(conversation=row, actor=request.user, body=body)
            messages.success(request, _("Note added."))
        else:
            conversation_reply(
                conversation=row,
                actor=request.user,
                body=body,
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Reply queued for sending."))
    except InboxError as error:
        messages.error(request, str(error.message))
    return redirect("web:conversation", ws=request.workspace.slug, pk=pk)


@workspace_view(CONVERSATION_STATUS)
@require_POST
def conversation_update(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The status buttons and the assignee list of the conversation page."""
    row = scoped_get(Conversation, request.workspace, pk)
    actor: User = request.user
    try:
        if "status" in request.POST:
            conversation_status_set(conversation=row, actor=actor, status=request.POST["status"])
        if "assignee" in request.POST:
            raw = request.POST["assignee"]
            member = (
                scoped_get(Membership.objects.select_related("user"), request.workspace, int(raw))
                if raw.isdigit()
                else None
            )
            conversation_assign(
                conversation=row, actor=actor, assignee=member.user if member else None
            )
    except InboxError as error:
        messages.error(request, str(error.message))
    return redirect("web:conversation", ws=request.workspace.slug, pk=pk)


@workspace_view()
def attachment(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Always a download, never shown inline: a stranger's file must not run in our origin."""
    row = scoped_get(Attachment, request.workspace, pk)
    response = HttpResponse(bytes(row.data), content_type="application/octet-stream")
    response["Content-Disposition"] = _disposition(row.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@workspace_view(INBOX_SETTINGS_UPDATE)
def inbox_settings(request: WorkspaceRequest) -> HttpResponse:
    current = settings_for(InboxSettings, request.workspace)
    mailbox = ImapMailbox.objects.for_workspace(request.workspace).first()
    form = InboxSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={
            "support_address": current.support_address,
            "contact_form_enabled": current.contact_form_enabled,
        },
    )
    imap = ImapForm(
        request.POST if request.POST.get("form") == "imap" else None,
        initial={
            name: getattr(mailbox, name)
            for name in ("host", "port", "use_ssl", "username", "folder")
        }
        if mailbox
        else None,
    )
    actor: User = request.user
    try:
        if form.is_bound and form.is_valid():
            inbox_settings_update(workspace=request.workspace, actor=actor, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("web:inbox_settings", ws=request.workspace.slug)
        if imap.is_bound and imap.is_valid():
            imap_mailbox_save(workspace=request.workspace, actor=actor, **imap.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("web:inbox_settings", ws=request.workspace.slug)
    except InboxError as error:
        (form if form.is_bound else imap).add_error(
            error.field if error.field in (form.fields if form.is_bound else imap.fields) else None,
            str(error.message),
        )
    context = {"form": form, "imap": imap, "settings": current, "mailbox": mailbox}
    return render(request, "web/inbox/settings.html", context)
