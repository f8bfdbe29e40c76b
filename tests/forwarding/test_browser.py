"""The aliases page in a real browser on a phone: every alias shows its Revoke button, which
works, without scrolling sideways; axe-core finds nothing on the stacked table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clientela.customers.services import customer_create
from clientela.forwarding.models import Alias, AliasStatus
from tests.conftest import log_in
from tests.forwarding.objects import alias_for

AXE = os.environ.get("CLIENTELA_AXE_JS", "")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_revoke_is_visible_and_works_on_a_phone(cast, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    customers = [
        customer_create(
            workspace=cast.shop,
            actor=None,
            email=f"{name.lower()}@example.ro",
            first_name=name,
            last_name="Popescu-Constantinescu",
        )
        for name in ("Ana", "Bogdan")
    ]
    ana, bogdan = (alias_for(customer) for customer in customers)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/w/alice/forwarding/")

    for alias in (ana, bogdan):
        button = page.locator("tr", has_text=alias.address).get_by_role("button", name="Revoke")
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        # Each button names its alias for a screen reader, the cards' headers being hidden.
        expect(button).to_have_accessible_name(f"Revoke {alias.address}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if AXE and Path(AXE).is_file():
        page.evaluate(Path(AXE).read_text())
        violations = page.evaluate(
            "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
            ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert violations == []

    page.get_by_role("button", name=f"Revoke {bogdan.address}").click()
    expect(page.locator("ul.messages")).to_contain_text(f"Revoked {bogdan.address}.")
    expect(page.get_by_role("button", name=f"Revoke {bogdan.address}")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Revoke {ana.address}")).to_be_visible()
    statuses = dict(Alias.objects.values_list("pk", "status"))
    assert statuses == {ana.pk: AliasStatus.ACTIVE, bogdan.pk: AliasStatus.REVOKED}
