"""The compensation catalogue is edited by managers: add, change, retire and offer again,
with an audit row for each change and clear refusals (a taken name, a negative cost)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientela.accounts.policy import NotPermitted
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.selectors import catalogue
from clientela.rewards.services.catalogue import (
    CatalogueError,
    catalogue_item_create,
    catalogue_item_update,
    catalogue_seed,
)
from clientela.rewards.services.compensations import CompensationError, compensation_propose
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _mug(cast, **changes):  # type: ignore[no-untyped-def]
    values = {"kind": CompensationKind.SMALL_GIFT, "name": "Cană", "default_cost": Decimal(15)}
    return catalogue_item_create(workspace=cast.shop, actor=cast.manager, **{**values, **changes})


def test_a_manager_adds_an_item_and_the_timeline_says_so(cast):
    mug = _mug(cast)
    assert (mug.workspace, mug.name, mug.kind, mug.default_cost, mug.active) == (
        cast.shop,
        "Cană",
        "small_gift",
        Decimal(15),
        True,
    )
    event = Event.objects.get(kind="catalogue.added")
    assert (event.actor, event.subject_id) == (cast.manager, mug.pk)
    assert event.new == {"name": "Cană", "kind": "small_gift", "default_cost": "15"}


def test_agents_and_viewers_change_nothing(cast):
    catalogue_seed(workspace=cast.shop)
    before = list(CatalogueItem.objects.values_list("name", "default_cost", "active"))
    gift = CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.SMALL_GIFT)
    for actor in (cast.teammate, cast.viewer, cast.outsider):
        with pytest.raises(NotPermitted):
            catalogue_item_create(
                workspace=cast.shop, actor=actor, kind="small_gift", name="X", default_cost=1
            )
        with pytest.raises(NotPermitted):
            catalogue_item_update(item=gift, actor=actor, active=False)
    assert list(CatalogueItem.objects.values_list("name", "default_cost", "active")) == before


def test_a_taken_name_or_a_negative_cost_is_refused_with_its_field(cast):
    mug = _mug(cast)
    with pytest.raises(CatalogueError) as taken:
        _mug(cast, name="  cană ")
    assert (taken.value.field, taken.value.message) == (
        "name",
        "The catalogue already has an item with this name.",
    )
    with pytest.raises(CatalogueError) as negative:
        _mug(cast, name="Pix", default_cost=Decimal("-1"))
    assert (negative.value.field, negative.value.message) == (
        "default_cost",
        "A cost cannot be negative.",
    )
    other = _mug(cast, name="Pix")
    with pytest.raises(CatalogueError, match="already has"):
        catalogue_item_update(item=other, actor=cast.manager, name="CANĂ")
    with pytest.raises(CatalogueError, match="kinds"):
        catalogue_item_update(item=other, actor=cast.manager, kind="voucher")
    assert CatalogueItem.objects.count() == 2 and mug.name == "Cană"
    assert Event.objects.filter(kind="catalogue.changed").count() == 0


def test_a_retired_item_is_not_offered_until_it_is_offered_again(cast, ana):
    mug = _mug(cast)
    catalogue_item_update(item=mug, actor=cast.manager, active=False)
    assert mug not in catalogue(cast.shop, active_only=True)
    with pytest.raises(CompensationError, match="catalogue"):
        compensation_propose(customer=ana, actor=cast.teammate, item=mug, cost=Decimal(5))
    catalogue_item_update(item=mug, actor=cast.manager, active=True)
    given = compensation_propose(customer=ana, actor=cast.teammate, item=mug, cost=Decimal(5))
    assert given.compensation.item == mug
    changes = Event.objects.filter(kind="catalogue.changed").order_by("id")
    assert [(e.old, e.new) for e in changes] == [
        ({"active": True}, {"active": False}),
        ({"active": False}, {"active": True}),
    ]


def test_the_page_adds_changes_and_retires_items_for_a_manager(cast, client_for):
    manager = client_for(cast.manager)
    url = "/w/alice/rewards/catalogue/"
    page = manager.get(url)
    assert page.status_code == 200 and "Small gift" in page.content.decode()
    added = post(manager, url, {"name": "Cană", "kind": "small_gift", "default_cost": "15"})
    assert added.status_code == 302
    mug = CatalogueItem.objects.get(name="Cană")
    again = post(manager, url, {"name": "cană", "kind": "small_gift", "default_cost": "15"})
    assert "The catalogue already has an item with this name." in again.content.decode()
    negative = post(manager, url, {"name": "Pix", "kind": "small_gift", "default_cost": "-2"})
    assert "A cost cannot be negative." in negative.content.decode()
    edit = f"/w/alice/rewards/catalogue/{mug.pk}/"
    assert 'value="Cană"' in manager.get(edit).content.decode()
    changed = post(manager, edit, {"name": "Cană mare", "kind": "small_gift", "default_cost": "18"})
    assert changed.status_code == 302
    post(manager, f"{edit}offer/", {"offered": "0"})
    mug.refresh_from_db()
    assert (mug.name, mug.default_cost, mug.active) == ("Cană mare", Decimal(18), False)
    listing = manager.get(url).content.decode()
    assert "Offer again" in listing and "retired" in listing
    assert CatalogueItem.objects.filter(name="Pix").count() == 0


def test_the_page_speaks_romanian(cast, client_for):
    manager = client_for(cast.manager)
    manager.cookies["django_language"] = "ro"
    page = manager.get("/w/alice/rewards/catalogue/").content.decode()
    assert "Catalogul compensațiilor" in page and "Adaugă" in page
    refused = post(
        manager,
        "/w/alice/rewards/catalogue/",
        {"name": "Pix", "kind": "small_gift", "default_cost": "-2"},
    )
    assert "Un cost nu poate fi negativ." in refused.content.decode()
