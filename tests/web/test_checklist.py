"""The first-run checklist on the dashboard: ticked from what is saved, linked, dismissible."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.accounts.services import workspace_update
from clientela.commerce.services import order_create
from clientela.customers.services import customer_create
from clientela.mail.services import delivery_sender_set
from clientela.outreach.services.automations import automations_update
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _steps(page: str) -> list[tuple[str, str]]:
    """(done or todo, label) of each step shown."""
    section = page.split('id="checklist-title"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<li class="(done|todo)">(.*?)</li>', section, re.S)
    return [
        (state, html.unescape(re.sub(r"<[^>]+>|\s+", " ", body)).split(":", 1)[1].strip())
        for state, body in items
    ]


def test_a_new_workspace_sees_four_steps_to_do_each_linking_to_its_page(cast, client_for):
    page = client_for(cast.owner).get("/w/alice/").content.decode()
    assert _steps(page) == [
        ("todo", "Check the shop's details"),
        ("todo", "Set the sender address"),
        ("todo", "Import the order history"),
        ("todo", "Switch on a first automation"),
    ]
    for url in (
        "/w/alice/shop/",
        "/w/alice/outreach/delivery/sender/",
        "/w/alice/imports/",
        "/w/alice/outreach/settings/",
    ):
        assert f'href="{url}"' in page


def test_each_step_is_ticked_by_what_is_really_saved(cast, client_for):
    owner = cast.owner
    workspace_update(
        workspace=cast.shop,
        actor=owner,
        name="Ceainăria",
        currency="RON",
        time_zone="Europe/Bucharest",
        default_language="ro",
    )
    delivery_sender_set(
        workspace=cast.shop, actor=owner, from_name="Ceainăria", from_email="shop@ceai.ro"
    )
    order_create(
        workspace=cast.shop,
        customer=customer_create(workspace=cast.shop, actor=owner, email="ana@example.com"),
        actor=owner,
        placed_at=datetime(2026, 3, 1, tzinfo=UTC),
        total=Decimal("10"),
    )
    automations_update(workspace=cast.shop, actor=owner, win_back_enabled=True)

    page = client_for(cast.owner).get("/w/alice/").content.decode()

    assert [state for state, _ in _steps(page)] == ["done"] * 4
    assert list(Event.objects.filter(kind="workspace.updated").values_list("new", flat=True)) == [
        {"name": "Ceainăria"}
    ]


def test_the_checklist_is_for_managers_and_owners_and_a_dismissal_is_for_everyone(cast, client_for):
    for user in (cast.viewer, cast.teammate):
        assert "checklist-title" not in client_for(user).get("/w/alice/").content.decode()
    manager = client_for(cast.manager)
    page = manager.get("/w/alice/").content.decode()
    # A manager cannot open the shop's details (an owner's page): the step is shown unlinked.
    assert 'href="/w/alice/shop/"' not in page and "Check the shop&#x27;s details" in page

    assert post(manager, "/w/alice/checklist/dismiss/")["Location"] == "/w/alice/"

    for user in (cast.manager, cast.owner):
        assert "checklist-title" not in client_for(user).get("/w/alice/").content.decode()
    assert Event.objects.get(kind="workspace.checklist_dismissed").actor == cast.manager
    assert "checklist-title" in client_for(cast.outsider).get("/w/charlie/").content.decode()


def test_the_shop_details_and_sender_pages_save_and_refuse_bad_values(cast, client_for):
    owner = client_for(cast.owner)
    bad = post(
        owner,
        "/w/alice/shop/",
        {"name": "X", "currency": "lei", "time_zone": "Mars/Base", "default_language": "ro"},
    )
    assert bad.status_code == 200
    assert "Three capital letters, e.g. RON." in bad.content.decode()
    good = {
        "name": "Ceainăria",
        "currency": "EUR",
        "time_zone": "Europe/Bucharest",
        "default_language": "en",
    }
    assert post(owner, "/w/alice/shop/", good).status_code == 302
    cast.shop.refresh_from_db()
    assert (cast.shop.name, cast.shop.currency, cast.shop.default_language) == (
        "Ceainăria",
        "EUR",
        "en",
    )

    sender = post(
        owner,
        "/w/alice/outreach/delivery/sender/",
        {"from_name": "Ceai", "from_email": "Shop@Ceai.ro"},
    )
    assert sender.status_code == 302
    assert Event.objects.get(kind="outreach.sender_changed").new == {
        "from_name": "Ceai",
        "from_email": "shop@ceai.ro",
    }
