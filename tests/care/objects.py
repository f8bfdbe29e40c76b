"""A complaint case of the shop, for the permission matrices."""

from __future__ import annotations

from typing import Any

from clientela.care.models import Case
from clientela.care.services.cases import case_open
from clientela.customers.models import Customer


def care_case(cast: Any, customer: Customer | None = None, **values: Any) -> Case:
    customer = customer or Customer.objects.create(
        workspace=cast.shop, first_name="Irina", last_name="Pop", email="irina@example.com"
    )
    return case_open(
        workspace=cast.shop,
        actor=None,
        customer=customer,
        subject=values.pop("subject", "Vaza spartă"),
        complaint=values.pop("complaint", "Vaza a ajuns spartă în colet."),
        **values,
    )


def care_objects(cast: Any) -> dict[str, int]:
    return {"care_case": care_case(cast).pk}
