"""Benchmark: a full retention refresh on PostgreSQL (SQL summary + fit + writing every score).

    uv run --group bench python bench/retention_refresh.py [--customers N] [--repeat R]

The database `clientela_bench_retention` is filled in SQL (generate_series) with N customers
and about 3N orders over 900 days drawn as BG/NBD says (3% cancelled), kept between runs
and refilled only when its size differs. Our figure: `retention_refresh` end to end, with the
time of its SQL summary alone. Peer: the same summary computed the way a notebook does it, by
loading all orders into pandas (`read_sql`) and grouping there. Target: full refresh <= 60 s
at 1M.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("CLIENTELA_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "clientela_bench_retention"
SLUG = "bench-retention"


def _ensure_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


def _fill(workspace_id: int, customers: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_customer (workspace_id, first_name, last_name, email, phone,"
            " address_line, city, postal_code, country, language, notes, created_at, updated_at,"
            " search_name, search_last_name, search_email, search_external_id)"
            " SELECT %s, 'C' || i, '', 'c' || i || '@bench.example', '', '', '', '', 'RO', 'ro',"
            " '', now(), now(), 'c' || i, '', 'c' || i || '@bench.example', ''"
            " FROM generate_series(1, %s) AS s(i)",
            [workspace_id, customers],
        )
        # Customers buy as BG/NBD says: exponential gaps at a rate drawn per customer (mean gap
        # 30 days), and after each purchase they leave with a probability drawn per customer;
        # first purchases in the first 300 days, history up to day 900. About 3 orders each.
        cursor.execute(
            "INSERT INTO commerce_order (workspace_id, customer_id, placed_at, status, currency,"
            " total, created_at)"
            " SELECT %s, id, timestamptz '2024-01-01 08:00+02' + day * interval '1 day',"
            " CASE WHEN random() < 0.03 THEN 'cancelled' ELSE 'placed' END, 'RON',"
            " round((10 + random() * 190)::numeric, 2), now() FROM ("
            "  SELECT id, first + sum(CASE WHEN k = 0 THEN 0 ELSE gap END)"
            "   OVER (PARTITION BY id ORDER BY k) AS day,"
            "   coalesce(sum(CASE WHEN u < p THEN 1 ELSE 0 END) OVER (PARTITION BY id ORDER BY k"
            "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS gone"
            "  FROM (SELECT c.id, k, c.first, c.p, random() AS u,"
            "   -ln(1 - random()) / c.lam AS gap FROM ("
            "    SELECT id, random() * 300 AS first, -ln(1 - random()) / 30 + 0.0005 AS lam,"
            "     0.05 + random() * 0.5 AS p FROM customers_customer WHERE workspace_id = %s"
            "   ) c, generate_series(0, 14) AS k) draws"
            " ) walk WHERE gone = 0 AND day <= 900",
            [workspace_id, workspace_id],
        )
        cursor.execute("ANALYZE")


def _empty(workspace_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "retention_customerscore",
            "retention_retentionrun",
            "commerce_order",
            "customers_customer",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE workspace_id = %s", [workspace_id])  # noqa: S608


def _prepare(customers: int) -> Any:
    from django.core.management import call_command
    from django.db import transaction

    from clientela.accounts.models import User, Workspace
    from clientela.accounts.services import workspace_create
    from clientela.customers.models import Customer

    call_command("migrate", verbosity=0)
    owner = User.objects.filter(email="owner@bench.example").first()
    if owner is None:
        owner = User.objects.create_user("owner@bench.example", "bench password 12345")
    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is None:
        workspace = workspace_create(name="Bench", slug=SLUG, owner=owner)
    fill = None
    if Customer.objects.for_workspace(workspace).count() != customers:
        started = time.perf_counter()
        with transaction.atomic():
            _empty(workspace.pk)
            _fill(workspace.pk, customers)
        fill = time.perf_counter() - started
    return workspace, fill


def _pandas_summary(workspace: Any) -> int:
    """The peer: every counted order into a DataFrame, same-day merge and per-customer stats."""
    import pandas as pd
    from django.db import connection

    sql = (
        "SELECT customer_id, placed_at, total FROM commerce_order"
        " WHERE workspace_id = %s AND status = 'placed'"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace.pk])
        frame = pd.DataFrame(cursor.fetchall(), columns=["customer_id", "placed_at", "total"])
    frame["day"] = (
        pd.to_datetime(frame["placed_at"], utc=True).dt.tz_convert(workspace.time_zone).dt.date
    )
    frame["total"] = frame["total"].astype(float)
    per_day = frame.groupby(["customer_id", "day"], sort=True)["total"].sum().reset_index()
    summary = per_day.groupby("customer_id").agg(
        purchases=("day", "size"),
        first=("day", "min"),
        last=("day", "max"),
        spend=("total", "sum"),
        first_spend=("total", "first"),
    )
    return len(summary)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["CLIENTELA_DATABASE_URL"] = _ensure_database()
    os.environ.pop("CLIENTELA_TESTING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from clientela.commerce.models import Order
    from clientela.retention.models import RetentionRun
    from clientela.retention.selectors import purchase_summary
    from clientela.retention.services import retention_refresh
    from clientela.retention.services.runs import _local_today

    workspace, fill = _prepare(args.customers)
    orders = Order.objects.for_workspace(workspace).count()
    print(
        f"customers {args.customers:,}, orders {orders:,}"
        + (f", filled in {fill:.1f} s" if fill else "")
    )

    refresh, summary, peer = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = purchase_summary(workspace, as_of=_local_today(workspace)).size
        summary.append(time.perf_counter() - started)
        started = time.perf_counter()
        run = retention_refresh(workspace=workspace, actor=None)
        refresh.append(time.perf_counter() - started)
        assert run.status == "succeeded", (run.status, run.reason)
        started = time.perf_counter()
        assert _pandas_summary(workspace) == rows
        peer.append(time.perf_counter() - started)
    print(f"last run: {RetentionRun.objects.filter(pk=run.pk).values('parameters').get()}")
    print()
    print(f"| step (median of {args.repeat}) | seconds |")
    print("| --- | ---: |")
    print(
        f"| ours: full refresh (SQL summary + fit + {rows:,} scores written) | "
        f"{statistics.median(refresh):.1f} |"
    )
    print(f"| ours: SQL summary alone (streamed to numpy) | {statistics.median(summary):.1f} |")
    print(
        f"| peer: same summary in pandas (read_sql of all orders + groupby) | "
        f"{statistics.median(peer):.1f} |"
    )
    print("| target: full refresh | <= 60 |")


if __name__ == "__main__":
    main()
