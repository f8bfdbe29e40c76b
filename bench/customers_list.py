"""Benchmark: the customer list page over 1,000,000 customers, on SQLite and PostgreSQL.

    uv run python bench/customers_list.py [--customers N] [--requests R]
                                          [--no-postgres] [--no-sqlite]

Each database is filled in SQL (a recursive CTE on SQLite, generate_series on PostgreSQL),
kept between runs (a SQLite file under the system's temp dir; a PostgreSQL database
`clientela_bench_web`), and refilled only when its size differs. Every figure is a real
request through Django's test Client, logged in as the owner: session, membership,
template and all. Three pages are timed, R requests each:

- first page: `/w/bench/customers/`
- later page: half-way through the table, by keyset cursor (`?after=<id>`)
- prefix search: `?q=popes` (about 1 customer in 30 matches)
- rare prefix: `?q=c12345` (11 external ids match)

Peer: the naive list most apps start with, same data and same template: Django's Paginator
(COUNT(*) and OFFSET) and a substring search (`icontains`, LIKE '%x%'). Target: our median
< 200 ms on every page.
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
PG_DB = "clientela_bench_web"
SQLITE_PATH = Path(tempfile.gettempdir()) / "clientela_bench_web.sqlite3"
FIRST = ["Ana", "Ion", "Maria", "Andrei", "Elena", "Mihai", "Ioana", "Radu", "Cristina", "Dan"]
LAST = [
    "Popescu",
    "Ionescu",
    "Dumitru",
    "Stan",
    "Stoica",
    "Gheorghe",
    "Rusu",
    "Munteanu",
    "Matei",
    "Constantin",
    "Marin",
    "Tudor",
    "Dobre",
    "Barbu",
    "Nistor",
    "Florea",
    "Ene",
    "Dinu",
    "Lazar",
    "Mureșan",
    "Toma",
    "Moldovan",
    "Sandu",
    "Ilie",
    "Ciobanu",
    "Vasile",
    "Oprea",
    "Neagu",
    "Preda",
    "Petrescu",
]


# ---------------------------------------------------------------- inside the worker process


def _fill_sql(vendor: str, workspace_id: int, count: int) -> str:
    # Every value interpolated below is an int or a name from the lists above.
    from clientela.customers.normalize import search_key

    def pick(names: list[str], step: str) -> str:
        whens = " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(names))
        return f"CASE ({step}) % {len(names)} {whens} END"

    first, last = pick(FIRST, "i"), pick(LAST, "i / 7")
    # The stored search keys, as the services would write them (see Customer.search_*).
    last_key = pick([search_key(n) for n in LAST], "i / 7")
    name_key = f"{pick([search_key(n) for n in FIRST], 'i')} || ' ' || {last_key}"
    values = (
        f"{workspace_id}, 'C' || i, {first}, {last}, 'client' || i || '@example.com', '', '', "
        "'Cluj', '', 'RO', 'ro', '', {now}, {now}, "
        f"{name_key}, {last_key}, 'client' || i || '@example.com', 'c' || i"
    )
    columns = (
        "workspace_id, external_id, first_name, last_name, email, phone, address_line, city, "
        "postal_code, country, language, notes, created_at, updated_at, "
        "search_name, search_last_name, search_email, search_external_id"
    )
    if vendor == "postgresql":
        return (
            f"INSERT INTO customers_customer ({columns}) SELECT "  # noqa: S608
            + values.format(now="now()")
            + f" FROM generate_series(1, {count}) AS s(i)"
        )
    return (
        f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count}) "  # noqa: S608
        f"INSERT INTO customers_customer ({columns}) SELECT "
        + values.format(now="strftime('%Y-%m-%d %H:%M:%f', 'now')")
        + " FROM s"
    )


def _prepare(count: int) -> Any:
    from django.core.management import call_command
    from django.db import connection, transaction

    from clientela.accounts.models import User, Workspace
    from clientela.accounts.services import workspace_create
    from clientela.customers.models import Customer

    call_command("migrate", verbosity=0)
    owner = User.objects.filter(email="owner@bench.example").first()
    if owner is None:
        owner = User.objects.create_user("owner@bench.example", "bench password 12345")
    workspace = Workspace.objects.filter(slug="bench").first()
    if workspace is None:
        workspace = workspace_create(name="Bench", slug="bench", owner=owner)
    have = Customer.objects.for_workspace(workspace).count()
    fill_seconds = None
    if have != count:
        started = time.perf_counter()
        with transaction.atomic():
            Customer.objects.for_workspace(workspace).delete()
            with connection.cursor() as cursor:
                cursor.execute(_fill_sql(connection.vendor, workspace.pk, count))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fill_seconds = time.perf_counter() - started
    return owner, workspace, fill_seconds


def _naive_view(request: Any, ws: str) -> Any:
    """The peer: Paginator (COUNT(*) + OFFSET) and a substring search."""
    from django.core.paginator import Paginator
    from django.db.models import Q
    from django.shortcuts import render

    from clientela.customers.models import Customer
    from clientela.web.access import membership_for

    membership = membership_for(request.user, ws)
    request.workspace, request.membership = membership.workspace, membership
    queryset = Customer.objects.for_workspace(membership.workspace).order_by("-pk")
    q = request.GET.get("q", "")
    if q:
        queryset = queryset.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(external_id__icontains=q)
        )
    page = Paginator(queryset.prefetch_related("tags"), 50).get_page(request.GET.get("page"))
    rows = {"rows": list(page.object_list), "next_after": None, "previous_before": None}
    return render(
        request, "web/customers/_rows.html", {"page": rows, "count": page.paginator.count}
    )


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


def worker(count: int, requests: int) -> dict[str, Any]:
    import types

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import include, path

    from clientela.customers.models import Customer

    urls = types.ModuleType("bench_customers_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("naive/w/<slug:ws>/customers/", _naive_view),
        path("", include("config.urls")),
    ]
    sys.modules["bench_customers_urls"] = urls
    settings.ROOT_URLCONF = "bench_customers_urls"
    # No collectstatic here: plain static URLs instead of the production manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Not setup_test_environment(): its template instrumentation would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    owner, workspace, fill_seconds = _prepare(count)
    ids = Customer.objects.for_workspace(workspace).order_by("-pk").values_list("pk", flat=True)
    middle = ids[count // 2]
    page_number = count // 2 // 50 + 1
    client = Client()
    client.force_login(owner)
    ours = {
        "first page": "/w/bench/customers/",
        "later page": f"/w/bench/customers/?after={middle}",
        "prefix search": "/w/bench/customers/?q=popes",
        "rare prefix": "/w/bench/customers/?q=c12345",
    }
    peer = {
        "first page": "/naive/w/bench/customers/",
        "later page": f"/naive/w/bench/customers/?page={page_number}",
        "prefix search": "/naive/w/bench/customers/?q=popes",
        "rare prefix": "/naive/w/bench/customers/?q=c12345",
    }
    results = {}
    for label in ours:
        results[label] = (
            _time(client, ours[label], requests),
            _time(client, peer[label], requests),
        )
    from django.db import connection

    return {"vendor": connection.vendor, "fill": fill_seconds, "results": results}


# ---------------------------------------------------------------- the driver


def _ensure_pg_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


def run(url: str, count: int, requests: int) -> dict[str, Any]:
    env = {**os.environ, "CLIENTELA_DATABASE_URL": url, "CLIENTELA_DEBUG": "0"}
    env.pop("CLIENTELA_TESTING", None)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            "--customers",
            str(count),
            "--requests",
            str(requests),
        ],
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
    print(f"\n{outcome['vendor']}: {count:,} customers ({filled}), {requests} requests per page")
    print(f"{'page':<15}{'ours median':>13}{'ours p95':>11}{'peer median':>13}{'peer p95':>11}")
    for label, ((ours_med, ours_p95), (peer_med, peer_p95)) in outcome["results"].items():
        ours = f"{ours_med:>10.1f} ms{ours_p95:>8.1f} ms"
        peer = f"{peer_med:>10.1f} ms{peer_p95:>8.1f} ms"
        print(f"{label:<15}{ours}{peer}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(worker(args.customers, args.requests)))
        return
    print(
        "ours: keyset pagination + prefix search on indexed search keys; "
        "peer: Paginator (COUNT(*) + OFFSET) + icontains"
    )
    if not args.no_sqlite:
        report(
            run(f"sqlite:///{SQLITE_PATH}", args.customers, args.requests),
            args.customers,
            args.requests,
        )
    if not args.no_postgres:
        report(
            run(_ensure_pg_database(), args.customers, args.requests), args.customers, args.requests
        )


if __name__ == "__main__":
    main()
