"""Importing orders: customers created when missing, time zones, idempotence, the signal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.commerce.signals import orders_placed
from clientela.customers.models import Customer, CustomerEmail
from clientela.customers.services import customer_create
from clientela.imports import pipeline
from clientela.imports.models import ImportStatus
from clientela.timeline.models import Event
from tests.imports.helpers import counts, errors_of, run

ORDERS = (
    "Nr comanda;ID client;Email;Data;Total;Stare;Monedă\n"
    "O1;C1;ana@example.com;31.12.2024 10:00;1.234,56;plasată;\n"
    "O2;C1;ana@example.com;2024-12-30T08:00:00Z;12,5;;EUR\n"
    "O3;C2;bogdan@example.com;15/06/2024;99;anulata;lei\n"
)


@pytest.fixture
def hook_calls():
    """What `orders_placed` announced, and whether it was sent inside the writing transaction."""
    calls: list[tuple[int, list[int], bool]] = []

    def receiver(sender, *, workspace, order_ids, **kwargs):
        calls.append((workspace.pk, list(order_ids), connection.in_atomic_block))

    orders_placed.connect(receiver)
    yield calls
    orders_placed.disconnect(receiver)


def order(workspace, external_id):
    return Order.objects.for_workspace(workspace).get(external_id=external_id)


@pytest.fixture(params=[True, False], ids=["copy", "orm"])
def use_copy(request, settings):
    """Both write paths (COPY exists on PostgreSQL only; SQLite always takes the ORM one)."""
    settings.CLIENTELA_IMPORT_USE_COPY = request.param
    return request.param


def test_orders_and_their_missing_customers_are_created(cast, tmp_path, hook_calls, use_copy):
    baseline = Event.objects.count()
    job = run(tmp_path, cast.shop, "orders", ORDERS, cast.owner)
    assert (job.status, job.errors) == (ImportStatus.SUCCEEDED, [])
    assert (job.rows_read, job.created_count, job.updated_count, job.unchanged_count) == (
        3,
        3,
        0,
        0,
    )
    ana = Customer.objects.for_workspace(cast.shop).get(external_id="C1")
    bogdan = Customer.objects.for_workspace(cast.shop).get(external_id="C2")
    assert (ana.email, ana.first_name, ana.language) == ("ana@example.com", "", "ro")
    assert CustomerEmail.objects.get(customer=bogdan).address == "bogdan@example.com"
    o1, o2, o3 = (order(cast.shop, ext) for ext in ("O1", "O2", "O3"))
    # A naive time is in the workspace's zone (Bucharest, UTC+2 in winter).
    assert o1.placed_at == datetime(2024, 12, 31, 8, 0, tzinfo=UTC)
    assert (o1.customer_id, o1.total, o1.status, o1.currency) == (
        ana.pk,
        Decimal("1234.56"),
        "placed",
        "RON",
    )
    assert o2.placed_at == datetime(2024, 12, 30, 8, 0, tzinfo=UTC)
    assert (o2.customer_id, o2.total, o2.currency) == (ana.pk, Decimal("12.50"), "EUR")
    assert o3.placed_at == datetime(2024, 6, 14, 21, 0, tzinfo=UTC)  # summer: UTC+3
    assert (o3.customer_id, o3.total, o3.status, o3.currency) == (
        bogdan.pk,
        Decimal("99.00"),
        "cancelled",
        "RON",
    )
    assert hook_calls == [(cast.shop.pk, sorted([o1.pk, o2.pk, o3.pk]), True)]
    events = list(Event.objects.order_by("pk").values_list("kind", "customer_id")[baseline:])
    assert events == [
        ("customer.created", ana.pk),
        ("customer.created", bogdan.pk),
        ("import.finished", None),
    ]
    assert Event.objects.get(kind="import.finished").new == {
        "kind": "orders",
        "file_name": "data.csv",
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "customers_created": 2,
    }


def test_orders_attach_to_existing_customers_by_external_id_or_email(cast, tmp_path, use_copy):
    by_id = customer_create(workspace=cast.shop, actor=None, external_id="C1", first_name="Ana")
    by_email = customer_create(workspace=cast.shop, actor=None, email="dan@example.com")
    text = (
        "order_id,customer_external_id,customer_email,placed_at,total\n"
        "A,C1,other@example.com,2024-01-02,10\n"
        "B,,DAN@example.com,2024-01-03,20\n"
        "C,D9,dan@example.com,2024-01-04,30\n"
    )
    before = counts()
    job = run(tmp_path, cast.shop, "orders", text)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 3)
    assert [order(cast.shop, x).customer_id for x in "ABC"] == [by_id.pk, by_email.pk, by_email.pk]
    # An orders import never changes a customer: no new customer, address or external id.
    by_email.refresh_from_db()
    assert by_email.external_id is None
    assert counts() == {**before, "orders": 3, "events": before["events"] + 1}


def test_reimport_changes_nothing_and_a_changed_order_is_recorded(cast, tmp_path, hook_calls):
    run(tmp_path, cast.shop, "orders", ORDERS)
    before = counts()
    again = run(tmp_path, cast.shop, "orders", ORDERS)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert counts() == before
    assert len(hook_calls) == 1
    changed = run(tmp_path, cast.shop, "orders", ORDERS.replace("12,5;;EUR", "13,5;refunded;EUR"))
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 2)
    o2 = order(cast.shop, "O2")
    assert (o2.total, o2.status) == (Decimal("13.50"), "refunded")
    event = Event.objects.get(kind="order.changed")
    assert (event.subject_type, event.subject_id, event.customer_id) == (
        "order",
        o2.pk,
        o2.customer_id,
    )
    assert (event.old, event.new) == (
        {"status": "placed", "total": "12.50"},
        {"status": "refunded", "total": "13.50"},
    )
    assert counts() == {**before, "events": before["events"] + 2}
    assert len(hook_calls) == 1


def test_orders_changed_in_different_columns_keep_their_other_values(cast, tmp_path):
    """One batch: O1 changes its total only, O3 its status only, O2 nothing."""
    run(tmp_path, cast.shop, "orders", ORDERS)
    o1, o2, o3 = (order(cast.shop, f"O{n}") for n in (1, 2, 3))
    text = ORDERS.replace("1.234,56;plasată", "1000,00;plasată").replace(
        "99;anulata", "99;refunded"
    )
    job = run(tmp_path, cast.shop, "orders", text)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 2, 1)
    after = {o.external_id: o for o in Order.objects.for_workspace(cast.shop)}
    columns = ("customer_id", "placed_at", "status", "currency", "total")
    assert [getattr(after["O1"], c) for c in columns] == [
        o1.customer_id,
        o1.placed_at,
        o1.status,
        o1.currency,
        Decimal("1000.00"),
    ]
    assert [getattr(after["O2"], c) for c in columns] == [getattr(o2, c) for c in columns]
    assert [getattr(after["O3"], c) for c in columns] == [
        o3.customer_id,
        o3.placed_at,
        "refunded",
        o3.currency,
        o3.total,
    ]


def test_every_bad_order_row_is_reported_and_nothing_is_written(cast, tmp_path):
    text = (
        "external_id;customer_external_id;customer_email;placed_at;total;status;currency\n"
        "O1;C1;ana@example.com;31.12.2024;10;;\n"
        ";C1;;31.12.2024;10;;\n"
        "O3;;;32.12.2024;1,234;done;lei1\n"
        "O1;C1;;2024-01-01;5;;\n"
        "O5;C1;x@;2024-01-01;-5;;\n"
        '"O6;C1;;2024-01-01;5;;\n'
    )
    before = counts()
    job = run(tmp_path, cast.shop, "orders", text)
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [
        (3, "external_id", "is empty"),
        (4, "customer_external_id", "needs a customer_external_id or an email"),
        (4, "placed_at", "'32.12.2024' is not a valid date"),
        (4, "status", "'done' is not a status (placed, cancelled or refunded)"),
        (4, "currency", "'lei1' is not a three-letter currency code (RON, EUR, …)"),
        (
            4,
            "total",
            "'1,234' is ambiguous: 1234 or 1.234? Write the amount without a thousands separator",
        ),
        (5, "external_id", "'O1' already appears on an earlier line of the file"),
        (6, "customer_email", "'x@' is not a valid e-mail address"),
        (6, "total", "cannot be negative"),
        # a quotation mark left open: an error of its own line, not a swallowed tail
        (7, "", 'has a quotation mark (") that is not closed where its cell ends'),
    ]
    assert counts() == before


def test_an_email_of_a_customer_with_another_external_id_is_a_conflict(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 1)
    customer_create(workspace=cast.shop, actor=None, external_id="K", email="k@example.com")
    before = counts()
    text = (
        "order_id;id_client;email;data;total\n"
        "A;N1;n@example.com;2024-01-01;1\n"
        "B;N2;k@example.com;2024-01-01;1\n"
    )
    job = run(tmp_path, cast.shop, "orders", text)
    assert errors_of(job) == [(3, "customer_email", "belongs to the customer with external id 'K'")]
    assert counts() == before


def test_the_header_must_name_the_order_its_date_total_and_customer(cast, tmp_path):
    job = run(tmp_path, cast.shop, "orders", "order_id;data;total\nA;2024-01-01;1\n")
    assert errors_of(job) == [
        (
            1,
            "customer_external_id",
            "the header needs a customer_external_id or a customer_email column",
        )
    ]
    job = run(tmp_path, cast.shop, "orders", "order_id;email;total\nA;a@example.com;1\n")
    assert errors_of(job) == [(1, "placed_at", "the header has no placed_at column")]


def test_orders_of_another_workspace_are_not_touched(cast, tmp_path):
    other = customer_create(workspace=cast.other_shop, actor=None, external_id="C1")
    order_create(
        workspace=cast.other_shop,
        actor=None,
        customer=other,
        external_id="O1",
        placed_at=datetime(2024, 1, 1, tzinfo=UTC),
        total=Decimal("5"),
    )
    job = run(tmp_path, cast.shop, "orders", ORDERS)
    assert job.created_count == 3
    theirs = order(cast.other_shop, "O1")
    assert (theirs.customer_id, theirs.total) == (other.pk, Decimal("5.00"))
    assert order(cast.shop, "O1").customer.workspace_id == cast.shop.pk


def test_creating_an_order_by_hand_calls_the_hook_in_its_transaction(cast, hook_calls):
    customer = customer_create(workspace=cast.shop, actor=None)
    created = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=datetime(2024, 1, 1, tzinfo=UTC),
        total=Decimal("5"),
    )
    assert hook_calls == [(cast.shop.pk, [created.pk], True)]


def test_external_ids_keep_backslashes_tabs_and_line_breaks(cast, tmp_path, use_copy):
    odd = ["back\\slash", "tab\there", "two\nlines", "cr\rhere", "\\N"]
    text = "order_id,id_client,data,total\n" + "".join(
        f'"{ext}",C1,2024-01-0{n + 1},{n}\n' for n, ext in enumerate(odd)
    )
    job = run(tmp_path, cast.shop, "orders", text)
    assert (job.status, job.errors, job.created_count) == (ImportStatus.SUCCEEDED, [], 5)
    stored = Order.objects.for_workspace(cast.shop).values_list("external_id", "total")
    assert sorted(stored) == sorted((ext, Decimal(n)) for n, ext in enumerate(odd))


def test_a_nul_character_is_a_row_error_and_nothing_is_written(cast, tmp_path):
    before = counts()
    text = "order_id;id_client;data;total\nA1;C1;2024-01-01;5\nA\x002;C1;2024-01-02;6\n"
    job = run(tmp_path, cast.shop, "orders", text)
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [(3, "", "contains a NUL character")]
    assert counts() == before
