"""The fast paths of the orders import give exactly what the general paths give.

- `OrderParser` (the fast row parser) against `order_row` (the checked one);
- the SQL insert of missing customers, their addresses and `customer.created` rows against
  `Customer.objects.bulk_create` and `event_build`, for the orders import and for the
  customers import (every column);
- `thank_you_schedule`'s id range against its IN list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.forms.models import model_to_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.customers.models import Customer, CustomerEmail
from clientela.customers.services import customer_create
from clientela.imports.reader import RawRow
from clientela.imports.schema import OrderParser, OrderRow, order_row
from clientela.outreach.services.thank_you import _ids_in
from clientela.timeline.models import Event
from clientela.timeline.services import EVENT_COLUMNS, event_build, event_rows
from tests.imports.helpers import run

BUCHAREST = ZoneInfo("Europe/Bucharest")

cell = st.sampled_from
order_cells = st.fixed_dictionaries(
    {
        "external_id": cell(["O1", " O2 ", "", "'=O3", "'O4", "x" * 101]),
        "customer_external_id": cell(["C1", "", " C2", "'+C3", "y" * 101]),
        "customer_email": cell(["ana@example.com", " Ana@Example.COM ", "", "x@", "'a@b.ro"]),
        "placed_at": cell(
            [
                "2024-12-31 10:00",
                "2024-03-31 03:30",  # the hour skipped when Bucharest moves to summer time
                "2024-10-27 03:30",  # the hour that happens twice in autumn
                "2024-06-15T12:00:00Z",
                "2024-06-15T12:00:00+05:30",
                "2024-06-15 12:00:00.250000",
                "31.12.2024 10:00",
                "15/06/2024",
                "1899-12-31",
                "2101-01-01 00:00",
                "2024-02-30",
                "2024-1-5",
                "ieri",
                "",
                " 2024-01-01 ",
            ]
        ),
        "status": cell(["", "placed", "Anulată", "REFUNDED", "done", "'placed"]),
        "currency": cell(["", "RON", "eur", "lei", "LEI", "EURO", "€"]),
        "total": cell(["10", "0", "007.5", "1.234,56", "1,234", "-1", "", "12.345", "1e3"]),
    }
)


@settings(max_examples=400, deadline=None)
@given(cells=order_cells, zone=st.sampled_from([BUCHAREST, ZoneInfo("America/Sao_Paulo")]))
def test_the_fast_parser_gives_what_order_row_gives(cells, zone):
    raw = RawRow(7, cells)
    parser = OrderParser(zone)
    expected = order_row(raw, zone)
    assert parser(raw) == expected
    assert parser(raw) == expected  # again, from the remembered moments


def test_an_order_row_keeps_the_moment_and_the_offset_of_the_file():
    row = order_row(
        RawRow(
            2,
            {
                "external_id": "A",
                "customer_email": "a@b.ro",
                "placed_at": "31.12.2024 10:00",
                "total": "1.234,5",
            },
        ),
        BUCHAREST,
    )
    assert isinstance(row, OrderRow)
    assert (row.placed_at, row.offset, row.total, row.customer_key) == (
        "2024-12-31 08:00:00",
        7200,
        "1234.50",
        "email:a@b.ro",
    )
    assert row.placed_at_value == datetime(2024, 12, 31, 8, 0, tzinfo=UTC)
    assert row.placed_at_value.isoformat() == "2024-12-31T10:00:00+02:00"
    assert row.total_value == Decimal("1234.50")


def _without(values: dict, *names: str) -> dict:
    return {key: value for key, value in values.items() if key not in names}


def test_customers_an_import_creates_are_the_rows_bulk_create_would_write(cast, tmp_path):
    cast.shop.default_language = "en"
    cast.shop.save()
    text = (
        "order_id,customer_external_id,customer_email,placed_at,total\n"
        "A,Ștefan-01,STEFAN@Example.com,2024-01-02,10\n"
        "B,,only.mail@example.com,2024-01-03,20\n"
        "C,NOMAIL,,2024-01-04,30\n"
    )
    job = run(tmp_path, cast.shop, "orders", text, cast.owner)
    assert (job.status, job.created_count, job.errors) == ("succeeded", 3, [])
    created = list(Customer.objects.for_workspace(cast.shop).order_by("pk"))
    assert [(c.external_id, c.email) for c in created] == [
        ("Ștefan-01", "stefan@example.com"),
        (None, "only.mail@example.com"),
        ("NOMAIL", ""),
    ]
    for customer in created:
        model = Customer(
            workspace=cast.shop,
            external_id=customer.external_id,
            email=customer.email,
            language=cast.shop.default_language,
        )
        model.search_keys_fill()
        ignored = ("id", "created_at", "updated_at", "tags")
        assert _without(model_to_dict(customer), *ignored) == _without(
            model_to_dict(model), *ignored
        )
        assert (customer.search_external_id, customer.language) == (
            model.search_external_id,
            "en",
        )
    assert created[0].search_external_id == "stefan-01"
    assert created[0].search_email == "stefan@example.com"
    emails = CustomerEmail.objects.for_workspace(cast.shop).order_by("pk")
    assert [(e.customer_id, e.address, e.is_primary) for e in emails] == [
        (created[0].pk, "stefan@example.com", True),
        (created[1].pk, "only.mail@example.com", True),
    ]
    events = list(Event.objects.filter(kind="customer.created").order_by("pk"))
    assert len(events) == 3
    news = [{"external_id": c.external_id, "email": c.email} for c in created]
    _assert_events_as_built(events, created, cast.owner, news)
    assert all(event.at <= datetime.now(UTC) for event in events)
    assert events[2].summary == f"#{created[2].pk}"


def test_customers_the_customers_import_creates_are_what_bulk_create_would_write(cast, tmp_path):
    text = (
        "id;prenume;nume;email;telefon;adresa;oras;cod_postal;tara;limba;etichete\n"
        "C1;Ștefan;Țăranu;STEFAN@Example.com;0722 000 111;Str. Lungă 1;Iași;700001;RO;en;vip|nou\n"
        "C2;;;;;;;;;;\n"
        ";Ana;Pop;ana@example.ro;;;;;;;\n"
    )
    job = run(tmp_path, cast.shop, "customers", text, cast.owner)
    assert (job.status, job.created_count, job.errors) == ("succeeded", 3, [])
    created = list(Customer.objects.for_workspace(cast.shop).order_by("pk"))
    general = Customer.objects.bulk_create(
        [
            Customer(
                workspace=cast.other_shop,
                external_id=c.external_id,
                email=c.email,
                first_name=c.first_name,
                last_name=c.last_name,
                phone=c.phone,
                address_line=c.address_line,
                city=c.city,
                postal_code=c.postal_code,
                country=c.country,
                language=c.language,
            )
            for c in created
        ]
    )
    ignored = ("id", "workspace", "created_at", "updated_at", "tags")
    for fast, slow in zip(created, general, strict=True):
        slow.refresh_from_db()
        assert _without(model_to_dict(fast), *ignored) == _without(model_to_dict(slow), *ignored)
    assert [(c.external_id, c.first_name, c.email, c.language) for c in created] == [
        ("C1", "Ștefan", "stefan@example.com", "en"),
        ("C2", "", "", cast.shop.default_language),
        (None, "Ana", "ana@example.ro", cast.shop.default_language),
    ]
    assert created[0].search_name == "stefan taranu"
    assert sorted(created[0].tags.values_list("name", flat=True)) == ["nou", "vip"]
    emails = CustomerEmail.objects.for_workspace(cast.shop).order_by("pk")
    assert [(e.customer_id, e.address, e.is_primary) for e in emails] == [
        (created[0].pk, "stefan@example.com", True),
        (created[2].pk, "ana@example.ro", True),
    ]
    events = list(Event.objects.filter(kind="customer.created").order_by("pk"))
    assert [e.subject_id for e in events] == [c.pk for c in created]
    _assert_events_as_built(events, created, cast.owner, [e.new for e in events])
    assert events[0].new == {
        "email": "stefan@example.com",
        "first_name": "Ștefan",
        "last_name": "Țăranu",
        "phone": "0722 000 111",
        "address": "Str. Lungă 1",
        "city": "Iași",
        "postal_code": "700001",
        "country": "RO",
        "language": "en",
    }


def _assert_events_as_built(events, customers, actor, news):
    """Each `customer.created` row is what `event_build` gives for its customer and values."""
    fields = ("workspace", "actor", "actor_label", "kind", "subject_type", "subject_id")
    fields += ("customer", "summary", "old", "new")
    for event, customer, new in zip(events, customers, news, strict=True):
        built = event_build(
            workspace=customer.workspace,
            actor=actor,
            actor_label="import",
            kind="customer.created",
            subject=customer,
            customer=customer,
            summary=customer.display_name,
            new=new,
        )
        assert {f: getattr(event, f) for f in fields} == {f: getattr(built, f) for f in fields}


def test_event_rows_are_event_build_in_columns(cast):
    customer = customer_create(workspace=cast.shop, actor=None, email="z@example.com")
    [row] = event_rows(
        workspace=cast.shop,
        kind="order.changed",
        subject_type="order",
        items=[(5, customer.pk, "x" * 600, {"total": Decimal("1.50")}, None)],
    )
    assert dict(zip(EVENT_COLUMNS, row, strict=True))["summary"] == "x" * 500
    built = event_build(
        workspace=cast.shop,
        kind="order.changed",
        subject_type="order",
        subject_id=5,
        customer_id=customer.pk,
        summary="x" * 600,
        old={"total": Decimal("1.50")},
    )
    values = dict(zip(EVENT_COLUMNS, row, strict=True))
    assert (values["workspace_id"], values["actor_id"], values["actor_label"]) == (
        cast.shop.pk,
        None,
        built.actor_label,
    )
    assert (values["subject_type"], values["subject_id"], values["customer_id"]) == (
        "order",
        5,
        customer.pk,
    )
    assert values["new"] is None
    assert built.old == {"total": "1.50"}


def test_a_changed_date_is_recorded_with_the_offset_of_the_file(cast, tmp_path):
    head = "order_id;id_client;data;total\n"
    run(tmp_path, cast.shop, "orders", head + "A;C1;31.12.2024 10:00;5\n")
    job = run(tmp_path, cast.shop, "orders", head + "A;C1;31.12.2024 11:30;5\n")
    assert (job.created_count, job.updated_count) == (0, 1)
    event = Event.objects.get(kind="order.changed")
    assert (event.old, event.new) == (
        {"placed_at": "2024-12-31T08:00:00+00:00"},
        {"placed_at": "2024-12-31T11:30:00+02:00"},
    )
    placed = Order.objects.for_workspace(cast.shop).get(external_id="A").placed_at
    assert placed == datetime(2024, 12, 31, 9, 30, tzinfo=UTC)


def test_the_id_range_selects_what_the_id_list_selects(cast):
    customer = customer_create(workspace=cast.shop, actor=None, email="r@example.com")
    ids = [
        order_create(
            workspace=cast.shop,
            actor=None,
            customer=customer,
            placed_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=n),
            total=Decimal(n),
        ).pk
        for n in range(5)
    ]
    orders = Order.objects.for_workspace(cast.shop)
    for chosen in (ids, ids[1:4], [ids[3], ids[1], ids[2]], [ids[0], ids[2], ids[4]], [ids[2]]):
        found = set(orders.filter(_ids_in(chosen)).values_list("pk", flat=True))
        assert found == set(chosen)
    assert "pk__in" in str(_ids_in([ids[0], ids[2]]))
    assert "pk__gte" in str(_ids_in([ids[2], ids[1]]))


def test_an_import_outside_any_transaction_commits_and_leaves_the_commit_mode_alone(
    transactional_db, cast, tmp_path
):
    job = run(tmp_path, cast.shop, "orders", "order_id;id_client;data;total\nA;C1;2024-01-01;5\n")
    assert (job.status, job.created_count) == ("succeeded", 1)
    assert Order.objects.for_workspace(cast.shop).count() == 1
    if connection.vendor == "postgresql":  # the import sets it for its own transaction only
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
