"""The retention pages in a real browser: a finished refresh brings its figures without a
manual reload; the pages touched by the model-based segments fit 390 and 1,366 px, in English
and Romanian, without a horizontal scroll.

Screenshots go to `$CLIENTELA_SCREENSHOTS` when it is set (to look at them), else nowhere.
With `$CLIENTELA_AXE_JS` naming axe-core's `axe.min.js` (npm's axe-core), every page is also
checked by axe and must have no violation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clientela.retention.models import RetentionRun, RunStatus, ValidationRun
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_validate,
)
from tests.conftest import log_in
from tests.retention_service.factories import simulated_shop

TODAY = dt.date(2026, 6, 30)
WIDTHS = (390, 1366)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.slow  # 150 simulated customers fitted and scored twice, and a validation
def test_a_finished_refresh_shows_its_figures_and_every_page_fits(cast, live_server, browser_page):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    page = browser_page
    log_in(page, live_server, cast.manager)
    run = retention_run_request(workspace=cast.shop, actor=cast.manager)
    page.goto(f"{live_server.url}/w/alice/retention/")
    expect(page.locator("#retention-run")).to_have_attribute("data-status", "queued")
    expect(page.locator("#segments")).to_have_count(0)  # no scores yet

    retention_run_execute(run=run, today=TODAY)  # what the worker does

    expect(page.locator("#retention-run")).to_have_attribute("data-status", "succeeded")
    counts = page.locator("#segments td.count").all_inner_texts()
    assert sum(int(c.replace(",", "")) for c in counts) == 150
    assert RetentionRun.objects.get().status == RunStatus.SUCCEEDED

    report = retention_validate(workspace=cast.shop, calibration_end=dt.date(2025, 12, 31))
    ValidationRun.objects.create(
        workspace=cast.shop,
        status=RunStatus.SUCCEEDED,
        calibration_end=report.calibration_end,
        result=dataclasses.asdict(report),
    )
    pages = {
        "retention": "/w/alice/retention/",
        "segment": "/w/alice/customers/?segment=at_risk",
        "customers": "/w/alice/customers/",
        "validation": "/w/alice/retention/validation/",
    }
    shots = os.environ.get("CLIENTELA_SCREENSHOTS")
    axe = os.environ.get("CLIENTELA_AXE_JS")
    for language in ("en", "ro"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, (name, language, width, overflow)
                if axe:
                    # Evaluated, not added as a script tag: the CSP refuses inline scripts.
                    page.evaluate(Path(axe).read_text())
                    violations = page.evaluate(
                        "async () => (await axe.run()).violations.map(v => v.id)"
                    )
                    assert violations == [], (name, language, width, violations)
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{shots}/{name}-{language}-{width}.png", full_page=True)
    expect(page.locator(".verdict-sentence")).to_contain_text("În ultimele")
