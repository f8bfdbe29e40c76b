"""The waiting clock's pages in a real browser: the list refreshes itself as clients write,
fits a phone, and axe-core finds no violation on them, in English and Romanian."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from clientela.inbox.models import ClockSettings
from clientela.inbox.services.clock import wait_start
from tests.conftest import log_in

AXE = os.environ.get("CLIENTELA_AXE_JS", "")
PAGES = ["/w/alice/inbox/waiting/", "/w/alice/inbox/response-times/", "/w/alice/inbox/clock/"]


def _wait(cast, subject_id: int, title: str) -> None:
    wait_start(
        workspace=cast.shop,
        subject="conversation",
        subject_id=subject_id,
        at=timezone.now() - timezone.timedelta(hours=subject_id),
        channel="email",
        title=title,
        url="/w/alice/",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_waiting_list_refreshes_itself_on_a_phone(cast, live_server, browser_page, settings):
    settings.CLIENTELA_WAITING_REFRESH_SECONDS = 1
    # Open around the clock, so that the order is the order of real time whenever this runs.
    ClockSettings.objects.create(workspace=cast.shop, hours=[[[0, 1440]]] * 7, holiday_country="")
    _wait(cast, 1, "Where is my parcel?")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server, cast.teammate)
    page.goto(f"{live_server.url}/w/alice/inbox/waiting/")
    assert page.get_by_text("Where is my parcel?").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A client writes while the page is open: the poll brings it in without a reload.
    _wait(cast, 2, "Can I change the size?")
    page.get_by_text("Can I change the size?").wait_for(timeout=10_000)
    titles = page.locator("#waiting-rows tbody td:first-child a").all_inner_texts()
    assert titles == ["Can I change the size?", "Where is my parcel?"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_clock_pages_have_no_accessibility_violation(
    cast, live_server, browser_page, language, width
):
    if not AXE or not Path(AXE).is_file():
        pytest.skip("CLIENTELA_AXE_JS does not name axe-core's axe.min.js")
    _wait(cast, 3, "Întrebare despre comandă")
    source = Path(AXE).read_text()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast.owner)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.evaluate(source)
        violations = page.evaluate(
            "async () => (await axe.run({runOnly: ['wcag2a', 'wcag2aa']}))"
            ".violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[path] = violations
        if os.environ.get("CLOCK_SHOTS"):  # where to keep screenshots to look at, if set
            name = f"{path.strip('/').replace('/', '_')}-{language}-{width}.png"
            page.screenshot(path=str(Path(os.environ["CLOCK_SHOTS"]) / name), full_page=True)
    assert found == {}
