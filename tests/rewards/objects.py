"""Rewards objects in the shop for the permission matrices: a pending compensation and a
gift certificate (whose code the matrices do not need)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clientela.customers.models import Customer
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.rewards.services.compensations import compensation_propose


def rewards_objects(cast: Any) -> dict[str, int]:
    customer = Customer.objects.create(
        workspace=cast.shop, first_name="Rita", email="r@example.com"
    )
    catalogue_seed(workspace=cast.shop)
    gift = CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.GIFT_CERTIFICATE)
    given = compensation_propose(customer=customer, actor=None, item=gift, cost=Decimal(10))
    pending = compensation_propose(customer=customer, actor=None, item=gift, cost=Decimal(400))
    assert given.certificate is not None
    return {"compensation": pending.compensation.pk, "certificate": given.certificate.pk}
