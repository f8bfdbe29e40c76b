"""Gift certificates in the API permission matrix (collected by test_permissions.py).

The code sent matches no certificate: members who may redeem get a 404 (the outsider too,
in their own shop), a viewer the 403 before any look-up. Managers change the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.services.catalogue import catalogue_seed
from tests.care.objects import care_case
from tests.matrix import READ_ALL, allowed


def _offer(s: Any) -> tuple[str, Any]:
    """A small gift for a case of the shop: the outsider names another shop's case (a 422)."""
    catalogue_seed(workspace=s.cast.shop)
    gift = CatalogueItem.objects.get(workspace=s.cast.shop, kind=CompensationKind.SMALL_GIFT)
    case = care_case(s.cast, s.customer)
    return "/rewards/compensations", {"case_id": case.pk, "item_id": gift.pk, "cost": "1.00"}


Call = Callable[[Any], tuple[str, Any]]
CODE = "AAAAA-BBBBB-CCCCC-DDDDD"
NEW_ITEM = {"name": "Cană", "kind": "small_gift", "default_cost": "15.00"}


def _item(s: Any) -> tuple[str, Any]:
    """An item of Alice's catalogue, to retire (managers do; the outsider cannot see it)."""
    from clientela.rewards.models import CatalogueItem

    item = CatalogueItem.objects.create(
        workspace=s.cast.shop, kind="small_gift", name="Pix", default_cost=5
    )
    return f"/rewards/catalogue/{item.pk}", {"active": False}


MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("POST", "/rewards/certificates/check"): (
        lambda s: ("/rewards/certificates/check", {"code": CODE}),
        allowed(404, 403, 404, 404, 404),
    ),
    ("POST", "/rewards/certificates/redeem"): (
        lambda s: ("/rewards/certificates/redeem", {"code": CODE, "amount": "1.00"}),
        allowed(404, 403, 404, 404, 404),
    ),
    ("GET", "/rewards/totals"): (lambda s: ("/rewards/totals", None), READ_ALL),
    ("POST", "/rewards/compensations"): (_offer, allowed(422, 403, 201, 201, 201)),
    # The report sits with the complaints report: agents and above (the outsider, their own).
    ("GET", "/rewards/return"): (
        lambda s: ("/rewards/return?start=2026-01-01&end=2026-06-30", None),
        allowed(200, 403, 200, 200, 200),
    ),
    ("GET", "/rewards/catalogue"): (lambda s: ("/rewards/catalogue", None), READ_ALL),
    # The outsider adds to their own shop's catalogue.
    ("POST", "/rewards/catalogue"): (
        lambda s: ("/rewards/catalogue", NEW_ITEM),
        allowed(201, 403, 403, 201, 201),
    ),
    ("PATCH", "/rewards/catalogue/{item_id}"): (_item, allowed(404, 403, 403, 200, 200)),
}
