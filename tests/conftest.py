"""The shared cast: an owner and a teammate in the shop, an outsider with a shop of their own;
and the browser of the browser tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from clientela.accounts.models import Membership, Role, User, Workspace
from clientela.accounts.services import workspace_create

PASSWORD = "correct horse battery staple 7"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, give each worker a data directory of its own inside the run's.

    The data directory holds the install's delivery identity and last-sent note, the mail
    sink and uploaded imports. Each worker has its own test database, so two workers sharing
    one folder would look to each other like a restored backup (sending paused) and would
    read each other's mail. Settings are loaded before this hook runs, hence the overrides;
    the environment variable is for the processes the tests start.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    data_dir = Path(settings.DATA_DIR) / worker
    data_dir.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "media"
    settings.STATIC_ROOT = data_dir / "static"
    os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)


# The tests of pure code (pyproject.toml's "pure" import contract: statistics, text checks,
# parsing; and the retention engine's numerics): arrays and strings in, frozen dataclasses
# out, no database. What they prove is the same on SQLite and PostgreSQL, so `make test` runs
# them in the SQLite leg only (`-m "not pure"` on PostgreSQL; CONTRIBUTING.md, "Test budget").
PURE = (
    "tests/retention/",
    "tests/textcheck/",
    "tests/care/test_complainer.py",
    "tests/inbox/test_parsing.py",
    "tests/forwarding/test_srs.py",
)
# The fixtures through which a test reaches the database.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "django_db_setup",
    "live_server",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of `PURE` as `pure`; a pure test that asks for the database is an
    error, since skipping it on PostgreSQL would then lose what it proves there."""
    root = Path(str(config.rootpath))
    for item in items:
        if Path(str(item.path)).relative_to(root).as_posix().startswith(PURE):
            item.add_marker(pytest.mark.pure)
        if item.get_closest_marker("pure") and (
            item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        ):
            raise pytest.UsageError(f"{item.nodeid} is marked pure but uses the database")


@dataclass(frozen=True)
class Cast:
    owner: User
    teammate: User  # an agent in the owner's workspace
    viewer: User
    manager: User
    outsider: User  # owns another workspace, no access to the shop
    shop: Workspace
    other_shop: Workspace

    def member(self, role: Role) -> User:
        return {
            Role.OWNER: self.owner,
            Role.MANAGER: self.manager,
            Role.AGENT: self.teammate,
            Role.VIEWER: self.viewer,
        }[role]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: a Romanian page requested through
    the test client leaves Romanian active in the thread (LocaleMiddleware activates it and
    nothing deactivates it), which changed the messages of the next test in the process."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose SQLite database a real `clientela migrate` brought up to date,
    made once per test process; tests that start processes copy its database
    (`migrated_data_dir`) rather than each paying for a migrating process of its own."""
    from tests.processes.helpers import clientela, process_env

    folder = tmp_path_factory.mktemp("migrated")
    clientela("migrate", "-v0", env=process_env(folder), timeout=120)
    return folder


@pytest.fixture
def migrated_data_dir(migrated: Path, tmp_path: Path) -> Path:
    """A fresh data directory of the test's own, holding a migrated SQLite database."""
    from tests.processes.helpers import copy_database

    return copy_database(migrated, tmp_path / "data")


@pytest.fixture
def cast(db: None) -> Cast:
    owner = User.objects.create_user("alice@example.com", PASSWORD, name="Alice Owner")
    teammate = User.objects.create_user("bob@example.com", PASSWORD, name="Bob Agent")
    viewer = User.objects.create_user("vera@example.com", PASSWORD, name="Vera Viewer")
    manager = User.objects.create_user("mihai@example.com", PASSWORD, name="Mihai Manager")
    outsider = User.objects.create_user("charlie@example.com", PASSWORD, name="Charlie Outsider")
    shop = workspace_create(name="Alice's Shop", slug="alice", owner=owner)
    other_shop = workspace_create(name="Charlie's Shop", slug="charlie", owner=outsider)
    Membership.objects.create(workspace=shop, user=teammate, role=Role.AGENT)
    Membership.objects.create(workspace=shop, user=viewer, role=Role.VIEWER)
    Membership.objects.create(workspace=shop, user=manager, role=Role.MANAGER)
    return Cast(owner, teammate, viewer, manager, outsider, shop, other_shop)


@pytest.fixture
def client_for(cast: Cast):  # type: ignore[no-untyped-def]
    """A logged-in browser client for one member of the cast, with CSRF checks on."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


# `playwright install` cannot download a browser here: the tests launch Debian's chromium,
# and are skipped where it is missing.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class Chromium:
    """One headless chromium for the whole test process, and Playwright's event loop.

    Playwright's sync API leaves its event loop marked as running in this thread for as long
    as it is started. Django refuses ORM calls while a loop runs (they would block it), so
    between browser tests the mark is lifted (`asleep`), and put back while a test drives the
    browser (`awake`): every other test runs in a thread without a loop, as it always did.
    """

    def __init__(self) -> None:
        self._playwright = sync_playwright().start()
        self._loop = asyncio.get_running_loop()  # the loop sync_playwright() marked as running
        self._browser: Browser | None = None
        self.asleep()

    def awake(self) -> Browser:
        asyncio._set_running_loop(self._loop)
        # A test that crashed chromium does not take the next tests down with it.
        if self._browser is None or not self._browser.is_connected():
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        return self._browser

    def asleep(self) -> None:
        asyncio._set_running_loop(None)

    def stop(self) -> None:
        self.awake()
        if self._browser is not None:
            self._browser.close()
        self._playwright.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The test process's chromium, started by its first browser test: launching one costs
    seconds of CPU, a fresh context per test (`browser_page`) a few milliseconds."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    browser = Chromium()
    yield browser
    browser.stop()


@pytest.fixture
def browser_page(
    live_server: Any, chromium: Chromium, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    """A fresh page of a headless chromium, closed after the test; the test fails if the
    Content-Security-Policy refused anything on any page it opened.

    The page is in a browser context of its own (cookies, storage, cache and downloads of its
    own, as in a newly launched browser); the browser process is shared (`chromium`)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are
    # plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = chromium.awake().new_context()
    refused: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page
    finally:
        context.close()
        chromium.asleep()
    assert refused == [], "the Content-Security-Policy refused something"


def log_in(page: Page, live_server: Any, user: User) -> None:
    """Sign `user` in and open the page the login form leads to (the dashboard).

    What the form leaves in the browser, without the form: a session of the user's and the
    cookie of their language (`LoginView.form_valid`). Logging in through the form is
    proven by the tests that use `log_in_through_the_form`; the others are about the pages
    behind it and spare themselves its two requests."""
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": user.language, "url": live_server.url},
        ]
    )
    page.goto(live_server.url + resolve_url(settings.LOGIN_REDIRECT_URL))


def log_in_through_the_form(page: Page, live_server: Any, user: User) -> None:
    """Sign `user` in through the login page, as a person would."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
