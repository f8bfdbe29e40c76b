"""axe-core finds no WCAG 2 A or AA violation on the pages a shop owner uses, in English and
Romanian, on a phone and on a laptop.

axe-core comes from npm (`scripts/test.sh` installs the version it pins and names its
`axe.min.js` in CLIENTELA_AXE_JS); it is evaluated in the page rather than added as a script
tag, which the Content-Security-Policy refuses. Without it the test is skipped, as the browser
tests are without chromium.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from clientela.care.models import Case
from clientela.outreach.models import Campaign, CampaignVersion
from tests.care.objects import care_case
from tests.conftest import log_in
from tests.rewards.objects import rewards_objects

AXE = os.environ.get("CLIENTELA_AXE_JS", "")


def _pages(shop: Any, campaign: Campaign, case: Case, rewards: dict[str, int]) -> list[str]:
    return [
        "/w/alice/",
        "/w/alice/customers/",
        f"/w/alice/customers/{shop.customer.pk}/",
        f"/w/alice/customers/{shop.customer.pk}/edit/",
        "/w/alice/orders/",
        f"/w/alice/orders/{shop.order.pk}/",
        "/w/alice/orders/new/",
        "/w/alice/products/",
        f"/w/alice/products/{shop.product.pk}/",
        "/w/alice/imports/",
        "/w/alice/retention/",
        "/w/alice/team/",
        "/w/alice/privacy/",
        "/w/alice/forwarding/",
        "/w/alice/forwarding/settings/",
        "/w/alice/outreach/",
        "/w/alice/outreach/campaigns/",
        f"/w/alice/outreach/campaigns/{campaign.pk}/",
        f"/w/alice/outreach/campaigns/{campaign.pk}/confirm/?action=send",
        f"/w/alice/outreach/campaigns/{campaign.pk}/content/ro/",
        "/w/alice/outreach/automations/thank_you/ro/",
        "/w/alice/outreach/templates/",
        "/w/alice/outreach/delivery/",
        "/w/alice/outreach/delivery/look/",
        "/w/alice/outreach/letters/",
        "/w/alice/shop/",
        "/w/alice/inbox/",
        "/w/alice/inbox/settings/",
        "/w/alice/rewards/",
        "/w/alice/rewards/counter/",
        f"/w/alice/customers/{shop.customer.pk}/compensate/",
        "/w/alice/rewards/catalogue/",
        f"/w/alice/rewards/catalogue/{rewards['catalogue_item']}/",
        f"/w/alice/rewards/{rewards['receipt']}/",
        f"/w/alice/rewards/{rewards['compensation']}/",
        "/g/alice/",
        "/account/password/",
        "/w/alice/care/",
        "/w/alice/care/new/",
        f"/w/alice/care/{case.pk}/",
        "/w/alice/care/lessons/",
        "/w/alice/care/report/",
        f"/w/alice/care/{case.pk}/compensate/",
        "/w/alice/rewards/return/",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("width", [390, 1366])
def test_no_page_has_an_accessibility_violation(  # type: ignore[no-untyped-def]
    cast, shop, live_server, browser_page, language, width
):
    if not AXE or not Path(AXE).is_file():
        pytest.skip("CLIENTELA_AXE_JS does not name axe-core's axe.min.js (scripts/test.sh does)")
    campaign = Campaign.objects.create(
        workspace=cast.shop,
        title="Toamna",
        kind="brochure",
        language="ro",
        subject="Noutăți pentru {{ customer.first_name }}",
        body_text="{{ campaign.intro }}",
        intro="Reduceri de toamnă",
    )
    case = care_case(cast, shop.customer)
    rewards = rewards_objects(cast)
    # The block editor with one block of each kind.
    CampaignVersion.objects.create(
        campaign=campaign,
        language="ro",
        subject="Noutăți pentru {{ customer.first_name }}",
        blocks=[
            {"type": "heading", "text": "Toamna"},
            {"type": "text", "text": "Reduceri de toamnă"},
            {
                "type": "product",
                "name": "Ceai",
                "description": "",
                "price": "12.50",
                "currency": "RON",
                "image": "",
                "url": "",
            },
            {
                "type": "promotion",
                "name": "Lichidare",
                "description": "",
                "discount": "-20%",
                "starts_on": "2026-10-01",
                "ends_on": "2026-10-07",
            },
            {"type": "button", "label": "Vezi", "url": "https://shop.example/"},
        ],
    )
    source = Path(AXE).read_text()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.owner)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}
    for path in _pages(shop, campaign, case, rewards):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        page.evaluate(source)
        violations = page.evaluate(
            "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
            ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[path] = violations
    assert found == {}
