from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from clientela.customers.models import Customer
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.rewards.services.compensations import Given, compensation_propose
from tests.conftest import Cast


@pytest.fixture
def ana(cast: Cast) -> Customer:
    return Customer.objects.create(
        workspace=cast.shop, first_name="Ana", last_name="Ștefănescu", email="ana@example.com"
    )


def item(cast: Cast, kind: CompensationKind) -> CatalogueItem:
    catalogue_seed(workspace=cast.shop)
    return CatalogueItem.objects.get(workspace=cast.shop, kind=kind)


@pytest.fixture
def given(cast: Cast, ana: Customer) -> Given:
    """A 20 RON certificate given by the agent, within Ana's budget (the 25 RON floor)."""
    return compensation_propose(
        customer=ana,
        actor=cast.teammate,
        item=item(cast, CompensationKind.GIFT_CERTIFICATE),
        cost=Decimal("20.00"),
        case_ref="CASE-7",
    )


def picture(fmt: str = "PNG", size: tuple[int, int] = (24, 16)) -> bytes:
    """A real, small image of the given format: a receipt's photo."""
    out = io.BytesIO()
    Image.new("RGB", size, (240, 235, 220)).save(out, format=fmt)
    return out.getvalue()
