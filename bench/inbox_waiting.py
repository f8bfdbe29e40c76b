"""Benchmark: the "who is waiting" page at 100,000 open waits, on SQLite and PostgreSQL.

    uv run python bench/inbox_waiting.py [--waits N] [--requests R] [--peer-requests P]
                                         [--no-postgres] [--no-sqlite]

Each database is filled in SQL (a recursive CTE on SQLite, generate_series on PostgreSQL):
N waits in one workspace, nine in ten running and one in ten paused, with business keys
spread over a month; kept between runs (a SQLite file under the system's temp dir; a
PostgreSQL database `clientela_bench_inbox`) and refilled only when the count differs. Every
figure is a real request through Django's test Client, logged in as the owner: session,
membership, template and all. Timed, R requests each (medians and 95th percentiles):

- page: `/w/bench/inbox/waiting/`, the whole page
- fragment: `/w/bench/inbox/waiting/rows/`, what the page's poll fetches every 30 s

Ours sorts on the stored business key (`Wait.start_key`, index (workspace, state,
start_key)): waited = ordinal(now) - start_key, the same shift for every row. Peer: what the
page would do without that key, over the same rows and template: read every running wait and
compute its business time waited in Python (`business_seconds(started_at, now)`, pauses
ignored to its advantage), sort, show the first 50. Target: our median under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("CLIENTELA_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("CLIENTELA_BENCH_PG_DB", "clientela_bench_inbox")
SQLITE_PATH = Path(
    os.environ.get(
        "CLIENTELA_BENCH_SQLITE", Path(tempfile.gettempdir()) / "clientela_bench_inbox.sqlite3"
    )
)
MONTH = 30 * 24 * 3600


# ---------------------------------------------------------------- inside the worker process


def _fill_sql(vendor: str, workspace_id: int, count: int, now_key: int) -> str:
    # Every value interpolated below is an int computed here.
    state = "CASE WHEN i % 10 = 0 THEN 'paused' ELSE 'waiting' END"
    key = f"({now_key} - (i * 7919) % {MONTH})"
    if vendor == "postgresql":
        now = "now()"
        started = "now() - ((i * 7919) % 2592000) * interval '1 second'"
        paused = "CASE WHEN i % 10 = 0 THEN now() ELSE NULL END"
    else:
        now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        started = (
            "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ((i * 7919) % 2592000) || ' seconds')"
        )
        paused = f"CASE WHEN i % 10 = 0 THEN {now} ELSE NULL END"
    columns = (
        "workspace_id, subject, subject_id, channel, title, url, segment, state, round, "
        "first_started_at, started_at, start_key, target_seconds, due_key, paused_at, "
        "escalation_level, responses"
    )
    values = (
        f"{workspace_id}, 'conversation', i, CASE WHEN i % 3 = 0 THEN 'form' ELSE 'email' END, "
        "'Question ' || i, '/w/bench/', '', "
        f"{state}, 1, {started}, {started}, {key}, 14400, {key} + 14400, {paused}, "
        "CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END, 0"
    )
    if vendor == "postgresql":
        return (
            f"INSERT INTO inbox_wait ({columns}) SELECT {values} "  # noqa: S608
            f"FROM generate_series(1, {count}) AS s(i)"
        )
    return (
        f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count}) "  # noqa: S608
        f"INSERT INTO inbox_wait ({columns}) SELECT {values} FROM s"
    )


def _prepare(count: int) -> Any:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from clientela.accounts.models import User, Workspace
    from clientela.accounts.services import workspace_create
    from clientela.inbox.models import Wait
    from clientela.inbox.services.clock import calendar_for
    from clientela.inbox.stats.business import ordinal

    call_command("migrate", verbosity=0)
    owner = User.objects.filter(email="owner@bench.example").first()
    if owner is None:
        owner = User.objects.create_user("owner@bench.example", "bench password 12345")
    workspace = Workspace.objects.filter(slug="bench").first()
    if workspace is None:
        workspace = workspace_create(name="Bench", slug="bench", owner=owner)
    have = Wait.objects.for_workspace(workspace).count()
    fill_seconds = None
    if have != count:
        started = time.perf_counter()
        now_key = ordinal(calendar_for(workspace), timezone.now())
        with transaction.atomic():
            Wait.objects.for_workspace(workspace).delete()
            with connection.cursor() as cursor:
                cursor.execute(_fill_sql(connection.vendor, workspace.pk, count, now_key))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fill_seconds = time.perf_counter() - started
    return owner, workspace, fill_seconds


def _naive_view(request: Any, ws: str) -> Any:
    """The peer: business time waited computed in Python for every running wait."""
    from django.shortcuts import render
    from django.utils import timezone

    from clientela.inbox.clock_selectors import WaitingPage, WaitingRow
    from clientela.inbox.models import Wait, WaitState
    from clientela.inbox.services.clock import calendar_for
    from clientela.inbox.stats.business import business_add, business_seconds
    from clientela.web.access import membership_for
    from clientela.web.inbox.clock_views import duration

    membership = membership_for(request.user, ws)
    request.workspace, request.membership = membership.workspace, membership
    calendar = calendar_for(membership.workspace)
    now = timezone.now()
    waits = list(
        Wait.objects.for_workspace(membership.workspace)
        .filter(state=WaitState.WAITING)
        .select_related("customer", "assignee")
    )
    waited = sorted(
        ((business_seconds(calendar, w.started_at, now), w) for w in waits),
        key=lambda pair: -pair[0],
    )[:50]
    rows = [
        WaitingRow(
            wait=w,
            waited_seconds=s,
            due_at=business_add(calendar, w.started_at, w.target_seconds),
            overdue=s >= w.target_seconds,
        )
        for s, w in waited
    ]
    page = WaitingPage(rows=rows, waiting=len(waits), paused=0, overdue=0, now=now)
    context = {
        "page": page,
        "rows": [(r, duration(r.waited_seconds)) for r in rows],
        "refresh": 30,
    }
    return render(request, "web/inbox/clock/_waiting_rows.html", context)


def _time(client: Any, url: str, requests: int) -> tuple[float, float]:
    client.get(url)  # warm caches and connections once
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def worker(count: int, requests: int, peer_requests: int) -> dict[str, Any]:
    import types

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import include, path

    urls = types.ModuleType("bench_inbox_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("naive/w/<slug:ws>/inbox/waiting/rows/", _naive_view),
        path("", include("config.urls")),
    ]
    sys.modules["bench_inbox_urls"] = urls
    settings.ROOT_URLCONF = "bench_inbox_urls"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    owner, _workspace, fill_seconds = _prepare(count)
    client = Client()
    client.force_login(owner)
    results = {
        "page": _time(client, "/w/bench/inbox/waiting/", requests),
        "fragment": _time(client, "/w/bench/inbox/waiting/rows/", requests),
    }
    peer = (
        _time(client, "/naive/w/bench/inbox/waiting/rows/", peer_requests)
        if peer_requests
        else None
    )
    from django.db import connection

    return {"vendor": connection.vendor, "fill": fill_seconds, "results": results, "peer": peer}


# ---------------------------------------------------------------- the driver


def _ensure_pg_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


def run(url: str, count: int, requests: int, peer_requests: int) -> dict[str, Any]:
    env = {**os.environ, "CLIENTELA_DATABASE_URL": url, "CLIENTELA_DEBUG": "0"}
    env.pop("CLIENTELA_TESTING", None)
    args = ["--worker", "--waits", str(count), "--requests", str(requests)]
    args += ["--peer-requests", str(peer_requests)]
    out = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(outcome: dict[str, Any], count: int, requests: int) -> None:
    fill = outcome["fill"]
    filled = f"filled in {fill:.1f} s" if fill is not None else "reused"
    print(f"\n{outcome['vendor']}: {count:,} open waits ({filled}), {requests} requests each")
    print(f"{'request':<22}{'median':>12}{'p95':>12}")
    for label, (median, p95) in outcome["results"].items():
        print(f"{'ours ' + label:<22}{median:>9.1f} ms{p95:>9.1f} ms")
    if outcome["peer"]:
        median, p95 = outcome["peer"]
        print(f"{'peer fragment':<22}{median:>9.1f} ms{p95:>9.1f} ms")
    print("target: ours under 300 ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waits", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--peer-requests", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(worker(args.waits, args.requests, args.peer_requests)))
        return
    print(
        "ours: sorted on the stored business key (index workspace, state, start_key); "
        "peer: business time waited computed in Python for every running wait"
    )
    if not args.no_sqlite:
        outcome = run(f"sqlite:///{SQLITE_PATH}", args.waits, args.requests, args.peer_requests)
        report(outcome, args.waits, args.requests)
    if not args.no_postgres:
        outcome = run(_ensure_pg_database(), args.waits, args.requests, args.peer_requests)
        report(outcome, args.waits, args.requests)


if __name__ == "__main__":
    main()
