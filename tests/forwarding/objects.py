"""A forwarding domain and one alias in a shop, for the shared permission matrices."""

from __future__ import annotations

from typing import Any

from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.forwarding.models import Alias, ForwardingDomain
from clientela.forwarding.services import alias_grant

DOMAIN = "client.alice.example"


def forwarding_domain(workspace: Any, domain: str = DOMAIN) -> ForwardingDomain:
    return ForwardingDomain.objects.get_or_create(workspace=workspace, domain=domain)[0]


def alias_for(customer: Customer, local_part: str = "") -> Alias:
    if not ForwardingDomain.objects.filter(workspace=customer.workspace).exists():
        forwarding_domain(customer.workspace)
    # No notice: these aliases serve tests of forwarding, whose outbox holds forwarded mail.
    return alias_grant(
        workspace=customer.workspace,
        actor=None,
        customer=customer,
        local_part=local_part,
        notify=False,
    )


def forwarding_objects(cast: Any) -> dict[str, int]:
    customer = customer_create(
        workspace=cast.shop, actor=None, email="alias@example.ro", first_name="Alia"
    )
    return {"alias": alias_for(customer).pk}
