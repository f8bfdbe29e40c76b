"""The imports keep PostgreSQL's statistics of the tables they fill current enough.

Without them, the planner probes an index on the workspace alone and filters all its rows
for each key the import looks up, a cost that grows with the table (see
`PlannerStatistics`). The refresh must never wait for a lock another transaction holds.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.imports.db.postgres import PlannerStatistics, pg_rows_by_key
from tests.imports.helpers import run

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)

ORDERS = "order_id;id_client;data;total\n" + "".join(
    f"O{n};C{n % 50};2024-01-{1 + n % 28:02d};{n}\n" for n in range(400)
)


def plan_of(sql: str, params: list[object]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_lookups_probe_the_unique_index_once_the_import_has_analyzed(cast, tmp_path):
    # Statistics from before any order existed: the planner believes the table is empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commerce_order")
    job = run(tmp_path, cast.shop, "orders", ORDERS)
    assert (job.status, job.created_count) == ("succeeded", 400)
    captured: list[tuple[str, list[object]]] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, list(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        found = pg_rows_by_key(Order, cast.shop.pk, "external_id", ["O7", "nope"], ["id"])
    assert len(found) == 1
    plan = plan_of(*captured[0])
    assert "order_external_id_unique" in plan, plan


def test_the_statistics_follow_the_rows_the_transaction_wrote(cast):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'customers_customer'")
        (before,) = cursor.fetchone()
    Customer.objects.bulk_create(
        Customer(workspace=cast.shop, external_id=f"S{n}", email=f"s{n}@example.com")
        for n in range(300)
    )
    statistics = PlannerStatistics()
    statistics.added(Customer, 300)  # first rows added: analyzed at once
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'customers_customer'")
        (after,) = cursor.fetchone()
        cursor.execute("SHOW lock_timeout")
        (timeout,) = cursor.fetchone()
    assert after >= before + 300
    assert timeout == "0"  # the short timeout of the ANALYZE does not stay behind


def test_a_table_locked_by_another_transaction_does_not_hold_the_import_up(
    transactional_db, cast, tmp_path
):
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
    try:
        # What a concurrent ANALYZE or autovacuum holds until it ends.
        other.execute("LOCK TABLE commerce_order IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        job = run(tmp_path, cast.shop, "orders", ORDERS)
        assert (job.status, job.created_count) == ("succeeded", 400)
        assert time.monotonic() - started < 10
    finally:
        other.rollback()
        other.close()
    assert Order.objects.for_workspace(cast.shop).count() == 400


def customers_csv(count: int, suffix: str = "") -> str:
    return "id_client;prenume;email\n" + "".join(
        f"K{n};Ana{suffix};k{n}@example.com\n" for n in range(count)
    )


def test_the_customers_import_analyzes_the_tables_it_fills(cast, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_customeremail")
    job = run(tmp_path, cast.shop, "customers", customers_csv(400))
    assert (job.status, job.created_count) == ("succeeded", 400)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class"
            " WHERE relname IN ('customers_customer', 'customers_customeremail')"
        )
        sizes = dict(cursor.fetchall())
    assert sizes == {"customers_customer": 400, "customers_customeremail": 400}


def test_the_customers_import_looks_existing_customers_up_by_their_unique_indexes(cast, tmp_path):
    # Statistics from before any customer existed: the planner believes the tables empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_customeremail")
    job = run(tmp_path, cast.shop, "customers", customers_csv(3000))
    assert (job.status, job.created_count) == ("succeeded", 3000)
    captured: list[tuple[str, list[object]]] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.lstrip().startswith("SELECT"):
            captured.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    # Rows matched by external id, and rows without one matched by e-mail alone (whose
    # customers are then loaded by id).
    text = customers_csv(2000, "X") + "".join(f";Ion;k{n}@example.com\n" for n in range(2000, 2500))
    with connection.execute_wrapper(capture):
        job = run(tmp_path, cast.shop, "customers", text)
    assert (job.status, job.created_count, job.updated_count) == ("succeeded", 0, 2500)
    plans = [
        plan_of(sql, params)
        for sql, params in captured
        if "customers_customer" in sql and "customers_customer_tags" not in sql
    ]
    used = " ".join(plans)
    assert "customer_external_id_unique" in used, used
    assert "customer_email_unique" in used, used
    for plan in plans:  # each key one probe: the index condition holds it, no filter
        assert "Filter" not in plan, plan
        assert "Seq Scan" not in plan, plan
        conditions = [line for line in plan.splitlines() if "Index Cond" in line]
        assert conditions, plan
        assert all("k.key" in line for line in conditions), plan
