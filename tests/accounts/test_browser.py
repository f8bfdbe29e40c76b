"""A real browser and a real SMTP server: an owner invites, the invitee opens the link from
the mail, sets a password and lands in the workspace with the role; a user who forgot the
password sets a new one from the mailed link and logs in with it.

Every page met on the way must fit a 390 px wide screen without sideways scrolling. With
CLIENTELA_SCREENSHOTS=<folder>, each is also saved there at 390 and 1,366 px, in English
and in Romanian.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientela.accounts.models import Membership, User
from tests.accounts.conftest import Mailbox, link_in
from tests.conftest import log_in

NEW = "a brand new passphrase 42"
SHOTS = os.environ.get("CLIENTELA_SCREENSHOTS", "")


def _fits_and_shoot(page: Page, name: str) -> None:
    """The page fits 390 px without sideways scrolling; with SHOTS, saved in EN and RO at
    390 and 1,366 px (the language by its cookie, the page reloaded)."""
    size = page.viewport_size or {"width": 1366, "height": 900}
    url = page.url
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        host = url.split("/")[2].split(":")[0]
        for language in ("en", "ro"):
            cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
            page.context.add_cookies([cookie])  # type: ignore[list-item]
            for width in (390, 1366):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(url)
                page.screenshot(path=str(folder / f"{name}-{language}-{width}.png"), full_page=True)
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "domain": host, "path": "/"}]
        )  # type: ignore[list-item]
        page.goto(url)
    page.set_viewport_size(size)


@pytest.fixture
def site(settings: Any, live_server: Any) -> Any:
    settings.SITE_URL = live_server.url
    return live_server


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_invitee_joins_from_the_mailed_link(cast, site, mailbox: Mailbox, browser_page):
    page = browser_page
    log_in(page, site, cast.owner)
    page.get_by_role("link", name="Team").click()
    page.get_by_label("E-mail").fill("ana@example.com")
    page.get_by_label("Role", exact=True).last.select_option("manager")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to ana@example.com.")).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text("ana@example.com")
    _fits_and_shoot(page, "team")
    for name, path in (
        ("dashboard-checklist", "/w/alice/"),
        ("shop-details", "/w/alice/shop/"),
        ("sender", "/w/alice/outreach/delivery/sender/"),
    ):
        page.goto(site.url + path)
        _fits_and_shoot(page, name)
    page.get_by_role("button", name="Log out").click()

    link = link_in(mailbox.wait(1)[0], "/invite/")
    page.goto(site.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Alice's Shop")
    _fits_and_shoot(page, "invitation")
    page.get_by_label("Your name").fill("Ana Pop")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Accept and create the account").click()

    # The shop writes Romanian: the new member's interface starts in it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Panou")
    assert page.url == f"{site.url}/w/alice/"
    ana = User.objects.get(email="ana@example.com")
    assert Membership.objects.get(workspace=cast.shop, user=ana).role == "manager"
    page.goto(site.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Această invitație a fost deja acceptată"
    )
    _fits_and_shoot(page, "invitation-used")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_from_the_mailed_link(
    cast, site, mailbox: Mailbox, browser_page
):
    page = browser_page
    page.goto(f"{site.url}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    _fits_and_shoot(page, "password-reset")
    page.get_by_label("E-mail").fill("bob@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    _fits_and_shoot(page, "password-reset-sent")

    page.goto(site.url + link_in(mailbox.wait(1)[0], "/reset/"))
    assert page.url.endswith("/set-password/")  # the token left the address bar
    _fits_and_shoot(page, "password-reset-confirm")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_text("Your password is set. Log in with it.")).to_be_visible()

    page.get_by_label("E-mail").fill("bob@example.com")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(f"{site.url}/account/password/")
    _fits_and_shoot(page, "password-change")
