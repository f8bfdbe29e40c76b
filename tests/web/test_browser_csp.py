"""The pages with scripts (charts, the language switch, htmx) work under the
Content-Security-Policy: the browser fixture fails the test on any refusal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_with_scripts_run_under_the_policy(cast, live_server, browser_page):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, cast.owner)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    for path in ["/w/alice/retention/", "/w/alice/customers/", "/w/alice/outreach/templates/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

    # The language switch submits itself from site.js, without an inline handler.
    page.get_by_label("Language").select_option("ro")
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    assert errors == []
