"""The shops' own exports, imported as they are: Shopify, WooCommerce and PrestaShop.

The files in tests/imports/files are in each platform's layout (see
`clientela.imports.formats.platforms` for where each layout comes from).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from clientela.commerce.models import Order
from clientela.customers.models import Consent, Customer
from clientela.imports.formats import all_formats, template_csv
from clientela.imports.models import ImportStatus
from clientela.imports.services import import_run_file
from clientela.timeline.models import Event
from tests.imports.helpers import counts, errors_of

FILES = Path(__file__).parent / "files"


def _import(cast, kind: str, name: str):
    job = import_run_file(workspace=cast.shop, kind=kind, path=FILES / name, actor=cast.owner)
    return job


def _orders(cast):
    """Each order: its number, its customer's e-mail up to the @, moment, status, money."""
    orders = Order.objects.for_workspace(cast.shop).order_by("placed_at")
    return [
        (o.external_id, o.customer.email.split("@")[0], o.placed_at, o.status, o.currency, o.total)
        for o in orders.select_related("customer")
    ]


def _customers(cast):
    customers = Customer.objects.for_workspace(cast.shop).order_by("email")
    return list(
        customers.values_list(
            "external_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "address_line",
            "city",
            "postal_code",
            "country",
        )
    )


def _consents(cast):
    consents = Consent.objects.for_workspace(cast.shop).filter(withdrawn_at__isnull=True)
    return sorted(consents.values_list("customer__email", "purpose", "channel", "source"))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_shopify_orders_one_order_per_order_statuses_and_offsets_read(cast):
    job = _import(cast, "orders", "shopify_orders_export.csv")
    assert (job.status, errors_of(job)) == (ImportStatus.SUCCEEDED, [])
    assert (job.file_format, job.encoding) == ("shopify-orders", "utf-8")
    # 10 rows: 6 orders, and 4 more line items of theirs
    assert (job.rows_read, job.created_count) == (10, 6)
    assert _orders(cast) == [
        ("#1001", "stefan.taranu", at(2024, 3, 1, 12, 22, 5), "placed", "RON", D("349.80")),
        # partially refunded: placed, for what was kept
        ("#1002", "ioana.birsan", at(2024, 7, 15, 6, 5), "placed", "RON", D("100.00")),
        ("#1003", "stefan.taranu", at(2024, 8, 2, 14, 58, 41), "refunded", "RON", D("59.90")),
        # voided
        ("#1004", "mircea.parvu", at(2024, 9, 10, 8, 0), "cancelled", "RON", D("80.00")),
        # "Cancelled at" filled in
        ("#1005", "ana-maria.pop", at(2024, 10, 5, 17, 10), "cancelled", "RON", D("65.00")),
        ("#1006", "ioana.birsan", at(2024, 12, 31, 21, 30), "placed", "RON", D("1249.50")),
    ]


def test_shopify_orders_create_their_customers_from_the_billing_columns(cast):
    _import(cast, "orders", "shopify_orders_export.csv")
    assert _customers(cast) == [
        (
            None,
            "Ana-Maria",
            "Dumitrescu Pop",
            "ana-maria.pop@example.ro",
            "+40744000004",
            "Calea Victoriei 155",
            "București",
            "010073",
            "RO",
        ),
        (
            None,
            "Ioana",
            "Bîrsan",
            "ioana.birsan@example.ro",
            "+40733000002",
            "Bd. Ion Mihalache 40",
            "București",
            "011193",
            "RO",
        ),
        (
            None,
            "Mircea",
            "Pârvu",
            "mircea.parvu@example.ro",
            "",
            "Str. Lăpușneanu 5",
            "Iași",
            "700057",
            "RO",
        ),
        (
            None,
            "Ștefan",
            "Țăranu",
            "stefan.taranu@example.ro",
            "+40722000001",
            "Str. Mărășești 12, ap. 4",
            "Brașov",
            "500001",
            "RO",
        ),
    ]


def test_marketing_consent_is_read_from_its_column_with_the_file_as_source(cast):
    _import(cast, "orders", "shopify_orders_export.csv")
    source = "import: shopify_orders_export.csv"
    assert _consents(cast) == [
        ("mircea.parvu@example.ro", "marketing", "email", source),
        ("stefan.taranu@example.ro", "marketing", "email", source),
    ]
    granted = Event.objects.filter(workspace=cast.shop, kind="consent.granted")
    assert sorted(granted.values_list("customer__email", "new__source")) == [
        ("mircea.parvu@example.ro", source),
        ("stefan.taranu@example.ro", source),
    ]


def test_a_shopify_orders_file_imported_twice_changes_nothing(cast):
    _import(cast, "orders", "shopify_orders_export.csv")
    before = counts(), Consent.objects.count()
    job = _import(cast, "orders", "shopify_orders_export.csv")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 6)
    assert (counts(), Consent.objects.count()) == before


def test_shopify_customers_with_their_ids_addresses_tags_and_consent(cast):
    job = _import(cast, "customers", "shopify_customers_export.csv")
    assert (job.status, errors_of(job), job.file_format) == (
        ImportStatus.SUCCEEDED,
        [],
        "shopify-customers",
    )
    assert _customers(cast) == [
        (
            "7283528171577",
            "Ioana",
            "Bîrsan",
            "ioana.birsan@example.ro",
            "+40733000002",
            "Bd. Ion Mihalache 40",
            "București",
            "011193",
            "RO",
        ),
        (
            "7283528204345",
            "Mircea",
            "Pârvu",
            "mircea.parvu@example.ro",
            "",
            "Str. Lăpușneanu 5",
            "Iași",
            "700057",
            "RO",
        ),
        (
            "7283528138809",
            "Ștefan",
            "Țăranu",
            "stefan.taranu@example.ro",
            "+40722000001",
            "Str. Mărășești 12, ap. 4",
            "Brașov",
            "500001",
            "RO",
        ),
    ]
    stefan = Customer.objects.get(external_id="7283528138809")
    assert sorted(stefan.tags.values_list("name", flat=True)) == ["fidel", "vip"]
    source = "import: shopify_customers_export.csv"
    assert _consents(cast) == [
        ("mircea.parvu@example.ro", "marketing", "email", source),
        ("stefan.taranu@example.ro", "marketing", "email", source),
    ]


def test_a_later_file_that_says_no_withdraws_what_a_file_granted_only(cast):
    _import(cast, "customers", "shopify_customers_export.csv")
    stefan = Customer.objects.get(external_id="7283528138809")
    Consent.objects.create(
        workspace=cast.shop, customer=stefan, purpose="marketing", channel="email", source="form"
    )
    text = (FILES / "shopify_customers_export.csv").read_text(encoding="utf-8")
    path = FILES.parent / "no_marketing.csv"  # the same file, with every answer "no"
    try:
        path.write_text(text.replace(",yes,", ",no,"), encoding="utf-8")
        job = import_run_file(workspace=cast.shop, kind="customers", path=path, actor=None)
    finally:
        path.unlink()
    assert job.status == ImportStatus.SUCCEEDED
    assert _consents(cast) == [("stefan.taranu@example.ro", "marketing", "email", "form")]
    withdrawn = Event.objects.filter(workspace=cast.shop, kind="consent.withdrawn")
    assert sorted(withdrawn.values_list("customer__email", flat=True)) == [
        "mircea.parvu@example.ro",
        "stefan.taranu@example.ro",
    ]


def test_woocommerce_orders_of_the_order_export_plugin(cast):
    job = _import(cast, "orders", "woocommerce_orders_export.csv")
    assert (job.status, errors_of(job), job.file_format) == (
        ImportStatus.SUCCEEDED,
        [],
        "woocommerce-orders",
    )
    assert (job.rows_read, job.created_count) == (6, 5)
    # Order Date is the shop's local time: Bucharest, UTC+2 until 31 March 2024, then +3.
    assert _orders(cast) == [
        ("2041", "elena.munteanu", at(2024, 2, 14, 8, 12), "placed", "RON", D("225.00")),
        ("2042", "radu.serban", at(2024, 3, 3, 14, 40), "refunded", "RON", D("75.00")),
        # a partial refund of 25.00
        ("2043", "elena.munteanu", at(2024, 3, 30, 6, 5), "placed", "RON", D("110.00")),
        ("2044", "g.turcanu", at(2024, 4, 12, 16, 55), "cancelled", "RON", D("55.00")),
        # failed payment
        ("2045", "radu.serban", at(2024, 5, 1, 9, 0), "cancelled", "RON", D("45.00")),
    ]
    assert _customers(cast) == [
        (
            None,
            "Elena",
            "Munteanu",
            "elena.munteanu@example.ro",
            "0745000005",
            "Str. Avram Iancu 3",
            "Cluj-Napoca",
            "400089",
            "RO",
        ),
        (
            None,
            "Gheorghe",
            "Țurcanu",
            "g.turcanu@example.md",
            "+37369000007",
            "Aleea Teilor 2, bl. B, sc. 1",
            "Chișinău",
            "2001",
            "MD",
        ),
        (
            None,
            "Radu",
            "Șerban",
            "radu.serban@example.ro",
            "0746000006",
            "Str. Ștefan cel Mare 7",
            "Suceava",
            "720001",
            "RO",
        ),
    ]
    assert _consents(cast) == []  # WooCommerce exports no marketing answer


def test_woocommerce_customers_of_the_analytics_download(cast):
    job = _import(cast, "customers", "woocommerce_customers_export.csv")
    assert (job.status, errors_of(job), job.file_format) == (
        ImportStatus.SUCCEEDED,
        [],
        "woocommerce-customers",
    )
    assert _customers(cast) == [
        (
            None,
            "Elena",
            "Munteanu",
            "elena.munteanu@example.ro",
            "0745000005",
            "",
            "Cluj-Napoca",
            "400089",
            "RO",
        ),
        (
            None,
            "Gheorghe",
            "Țurcanu",
            "g.turcanu@example.md",
            "+37369000007",
            "",
            "Chișinău",
            "2001",
            "MD",
        ),
        (
            None,
            "Radu",
            "Șerban",
            "radu.serban@example.ro",
            "0746000006",
            "",
            "Suceava",
            "720001",
            "RO",
        ),
    ]


def test_prestashop_customers_then_orders_found_by_initial_and_last_name(cast):
    job = _import(cast, "customers", "prestashop_customers_export.csv")
    assert (job.status, errors_of(job), job.file_format) == (
        ImportStatus.SUCCEEDED,
        [],
        "prestashop-customers",
    )
    assert [c[:4] for c in _customers(cast)] == [
        ("18", "Ioana", "Popescu", "ioana.popescu@example.ro"),
        ("19", "Ion", "Popescu", "ion.popescu@example.ro"),
        ("17", "Ștefan", "Țăranu", "stefan.taranu@example.ro"),
    ]
    source = "import: prestashop_customers_export.csv"
    assert _consents(cast) == [
        ("ion.popescu@example.ro", "marketing", "email", source),
        ("stefan.taranu@example.ro", "marketing", "email", source),
    ]
    job = _import(cast, "orders", "prestashop_orders_export.csv")
    assert (job.status, errors_of(job), job.file_format) == (
        ImportStatus.SUCCEEDED,
        [],
        "prestashop-orders",
    )
    assert [o[:2] + o[3:] for o in _orders(cast)] == [
        ("101", "stefan.taranu", "placed", "RON", D("249.90")),
        ("102", "stefan.taranu", "placed", "RON", D("1249.50")),
        ("103", "", "cancelled", "RON", D("80.00")),
        ("104", "stefan.taranu", "refunded", "RON", D("59.90")),
    ]
    # The one customer no list named: created with what the order list shows of them.
    created = Customer.objects.for_workspace(cast.shop).get(last_name="Pârvu")
    assert (created.first_name, created.email, created.external_id) == ("M.", "", None)


def test_a_prestashop_order_of_an_ambiguous_customer_is_a_row_error(cast, tmp_path):
    _import(cast, "customers", "prestashop_customers_export.csv")
    before = counts()
    path = tmp_path / "orders.csv"
    path.write_text(
        "ID;Reference;New client;Delivery;Customer;Total;Payment;Status;Date\n"
        "201;AAA;0;România;I. Popescu;10,00 lei;Ramburs;Livrat;2024-01-05 10:00:00\n",
        encoding="utf-8",
    )
    job = import_run_file(workspace=cast.shop, kind="orders", path=path, actor=None)
    assert errors_of(job) == [
        (
            2,
            "customer_name",
            "'I. Popescu' may be any of 2 customers: give them their e-mail addresses in the file",
        )
    ]
    assert counts() == before


def test_an_unknown_status_of_a_platform_is_a_row_error_naming_the_ones_it_writes(cast, tmp_path):
    path = tmp_path / "orders.csv"
    text = (FILES / "woocommerce_orders_export.csv").read_text(encoding="utf-8-sig")
    path.write_text(text.replace("Processing", "Teleported"), encoding="utf-8")
    job = import_run_file(workspace=cast.shop, kind="orders", path=path, actor=None)
    assert errors_of(job) == [
        (
            5,
            "status",
            "'Teleported' is not a status of a WooCommerce export (completed, processing, "
            "on-hold, pending, cancelled, failed, refunded)",
        )
    ]


@pytest.mark.parametrize("fmt", all_formats(), ids=lambda fmt: fmt.slug)
def test_each_template_is_read_back_as_its_own_layout(cast, tmp_path, fmt):
    path = tmp_path / "template.csv"
    path.write_text(template_csv(fmt), encoding="utf-8")
    job = import_run_file(workspace=cast.shop, kind=fmt.kind, path=path, actor=None)
    assert (job.status, errors_of(job), job.file_format) == (ImportStatus.SUCCEEDED, [], fmt.slug)
    assert job.created_count == 1
