"""Linking a conversation to a customer by hand: a search (htmx on the conversation page, a
page of its own without scripts), and the link and unlink buttons."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.scoping import scoped_get
from clientela.customers.models import Customer
from clientela.customers.selectors import CustomerFilters, customer_page
from clientela.inbox.models import Conversation
from clientela.inbox.policy import CONVERSATION_LINK
from clientela.inbox.services.conversations import conversation_link, conversation_unlink
from clientela.inbox.services.errors import InboxError
from clientela.web.access import WorkspaceRequest, workspace_view

FOUND_MAX = 10  # customers a search offers
QUERY_MAX = 100


@workspace_view(CONVERSATION_LINK)
def conversation_customer(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """GET: the customers matching `q` (name, last name or e-mail prefix, this workspace's
    only); POST: link to the customer posted, or unlink with `action=unlink`."""
    row = scoped_get(Conversation.objects.select_related("customer"), request.workspace, pk)
    if request.method == "POST":
        return _change(request, row)
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    found = (
        customer_page(
            workspace=request.workspace, filters=CustomerFilters(search=query), size=FOUND_MAX
        ).rows
        if query
        else []
    )
    context = {"conversation": row, "query": query, "found": found}
    if request.htmx:
        return render(request, "web/inbox/_customer_matches.html", context)
    return render(request, "web/inbox/link_customer.html", context)


def _change(request: WorkspaceRequest, row: Conversation) -> HttpResponse:
    try:
        if request.POST.get("action") == "unlink":
            conversation_unlink(conversation=row, actor=request.user)
            messages.success(request, _("The conversation is no longer linked to a customer."))
        else:
            raw = request.POST.get("customer", "")
            if not raw.isdigit():
                raise InboxError(_("Choose a customer."), "customer")
            customer = scoped_get(Customer, request.workspace, int(raw))
            conversation_link(conversation=row, actor=request.user, customer=customer)
            messages.success(
                request,
                _("Linked to %(customer)s.") % {"customer": customer.display_name},
            )
    except InboxError as error:
        messages.error(request, str(error.message))
    return redirect("web:conversation", ws=request.workspace.slug, pk=row.pk)
