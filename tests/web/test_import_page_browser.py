"""The import page in a real browser, at a phone's width and a laptop's: the accepted
columns of each layout fit the screen, and a Shopify export goes in as it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clientela.commerce.models import Order
from clientela.imports.models import ImportJob
from clientela.imports.services import import_execute
from tests.conftest import log_in

FILES = Path(__file__).parents[1] / "imports" / "files"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
# The page's own JavaScript-free check of axe-core, when a copy is given (not shipped here).
AXE = os.environ.get("CLIENTELA_AXE_JS", "")


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.evaluate(Path(AXE).read_text())  # not a script tag: the CSP refuses inline scripts
    result = page.evaluate("axe.run().then(r => r.violations.map(v => v.id))")
    return list(result)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_a_shopify_export_goes_in_from_the_import_page(cast, live_server, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/w/alice/imports/")
    page.locator("#format-shopify-orders summary").click()
    expect(page.locator("#format-shopify-orders")).to_contain_text("Financial Status")
    assert _fits(page)
    if AXE:
        assert _axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"imports-{width}.png"), full_page=True)

    page.get_by_label("What the file holds").select_option("orders")
    page.get_by_label("CSV file").set_input_files(str(FILES / "shopify_orders_export.csv"))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-job")).to_have_attribute("data-status", "queued")
    import_execute(ImportJob.objects.for_workspace(cast.shop).get().pk)
    expect(page.locator("#import-job")).to_have_attribute("data-status", "succeeded")
    expect(page.locator(".import-read-as")).to_have_text("Read as a Shopify file, in UTF-8.")
    expect(page.locator(".created-count")).to_have_text("6")
    page.screenshot(path=str(ARTIFACTS / f"import-job-{width}.png"), full_page=True)
    assert _fits(page)
    if AXE:
        assert _axe_violations(page) == []
    assert Order.objects.for_workspace(cast.shop).count() == 6
