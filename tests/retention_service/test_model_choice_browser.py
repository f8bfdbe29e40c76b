"""A real browser: the retention page says which model the scores use and why, at a phone's
width and a laptop's, and a manager pins a model on the settings page."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_settings_for,
)
from tests.conftest import log_in
from tests.retention_service.factories import simulated_shop

# Screenshots for a person to look at, when asked for (not committed).
SHOTS = os.environ.get("CLIENTELA_SCREENSHOTS", "")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_model_sentence_fits_a_phone_and_a_manager_pins_a_model(
    cast, live_server, browser_page
):
    simulated_shop(cast.shop, n=300, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    run = retention_run_execute(
        run=retention_run_request(workspace=cast.shop, actor=None), today=dt.date(2026, 1, 1)
    )
    page = browser_page
    log_in(page, live_server, cast.manager)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/w/alice/retention/")
        sentence = page.locator(".model-choice")
        expect(sentence).to_contain_text(f"Scores use {run.get_model_display()}: on your last")
        # Nothing wider than the screen: the sentence wraps.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/retention-model-{width}.png", full_page=True)

    page.goto(f"{live_server.url}/w/alice/retention/settings/")
    page.get_by_label("Model of the scores").select_option("paretonbd")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    assert retention_settings_for(cast.shop).model == "paretonbd"
