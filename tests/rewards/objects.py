"""Rewards objects in the shop for the permission matrices: a pending compensation, a
gift certificate (whose code the matrices do not need), a reimbursement with its receipt's
photo, and an item of the catalogue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.customers.models import Customer
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.rewards.services.compensations import compensation_propose
from tests.rewards.conftest import picture


def rewards_objects(cast: Any) -> dict[str, int]:
    customer = Customer.objects.create(
        workspace=cast.shop, first_name="Rita", email="r@example.com"
    )
    catalogue_seed(workspace=cast.shop)
    gift = CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.GIFT_CERTIFICATE)
    given = compensation_propose(customer=customer, actor=None, item=gift, cost=Decimal(10))
    pending = compensation_propose(customer=customer, actor=None, item=gift, cost=Decimal(400))
    assert given.certificate is not None
    refund = CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.REIMBURSEMENT)
    photo = SimpleUploadedFile("bon.png", picture(), content_type="image/png")
    receipt = compensation_propose(
        customer=customer, actor=None, item=refund, cost=Decimal(3), receipt=photo
    )
    return {
        "compensation": pending.compensation.pk,
        "certificate": given.certificate.pk,
        "receipt": receipt.compensation.pk,
        "catalogue_item": gift.pk,
    }
