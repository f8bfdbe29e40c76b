"""What several outreach pages share: the customer a preview is rendered for."""

from __future__ import annotations

from clientela.customers.models import Customer
from clientela.web.access import WorkspaceRequest


def preview_customer(request: WorkspaceRequest) -> Customer | None:
    """The customer chosen with `?customer=<id>` (of this workspace), else the newest one."""
    raw = request.GET.get("customer", "")
    customers = Customer.objects.for_workspace(request.workspace)
    if raw.isdigit():
        return customers.filter(pk=int(raw)).first()
    return customers.order_by("-pk").first()
