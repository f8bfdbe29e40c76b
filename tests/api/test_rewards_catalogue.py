"""The compensation catalogue through the API: anyone reads it, managers change it."""

from __future__ import annotations

import pytest

from clientela.rewards.models import CatalogueItem
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def test_a_manager_adds_changes_and_retires_an_item(api_as):
    manager = api_as("manager")
    created = manager.post(
        "/rewards/catalogue", {"name": "Cană", "kind": "small_gift", "default_cost": "15.00"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("name", "kind", "default_cost", "active")} == {
        "name": "Cană",
        "kind": "small_gift",
        "default_cost": "15.00",
        "active": True,
    }
    changed = manager.patch(
        f"/rewards/catalogue/{body['id']}", {"default_cost": "18.50", "active": False}
    )
    assert changed.status_code == 200
    assert (changed.json()["default_cost"], changed.json()["active"]) == ("18.50", False)
    listing = api_as("viewer").get("/rewards/catalogue").json()
    assert [(i["name"], i["active"]) for i in listing] == [("Cană", False)]
    assert Event.objects.filter(kind__in=["catalogue.added", "catalogue.changed"]).count() == 2


def test_a_taken_name_or_a_negative_cost_is_a_422_naming_the_field(api_as):
    manager = api_as("manager")
    manager.post("/rewards/catalogue", {"name": "Cană", "kind": "small_gift", "default_cost": "1"})
    taken = manager.post(
        "/rewards/catalogue", {"name": "CANĂ", "kind": "small_gift", "default_cost": "2"}
    )
    assert taken.status_code == 422
    assert taken.json()["detail"][0]["loc"][-1] == "name"
    assert "already has an item" in taken.json()["detail"][0]["msg"]
    negative = manager.post(
        "/rewards/catalogue", {"name": "Pix", "kind": "small_gift", "default_cost": "-2"}
    )
    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"][-1] == "default_cost"
    assert CatalogueItem.objects.count() == 1


def test_an_agent_cannot_change_it_and_another_workspaces_item_is_a_404(cast, api_as):
    item = CatalogueItem.objects.create(
        workspace=cast.shop, kind="small_gift", name="Cană", default_cost=1
    )
    agent = api_as("agent")
    assert agent.patch(f"/rewards/catalogue/{item.pk}", {"active": False}).status_code == 403
    assert (
        agent.post(
            "/rewards/catalogue", {"name": "Pix", "kind": "small_gift", "default_cost": "1"}
        ).status_code
        == 403
    )
    assert (
        api_as("outsider").patch(f"/rewards/catalogue/{item.pk}", {"active": False}).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.active is True
