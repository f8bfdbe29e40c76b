"""Importing customers: Romanian files, idempotence, changes on the timeline, all or nothing."""

from __future__ import annotations

import pytest

from clientela.customers.models import Customer, CustomerEmail
from clientela.customers.services import customer_create
from clientela.imports import pipeline, services
from clientela.imports.models import ImportStatus
from clientela.timeline.models import Event
from tests.imports.helpers import counts, errors_of, run

ROMANIAN = (
    "Cod client;Prenume;Nume;Adresă de e-mail;Telefon;Adresa;Oraș;Cod poștal;Țară;Limba;Etichete\n"
    "C1;Ștefan;Țăranu;stefan@example.com;+40722000001;Str. Mărășești 1;Brașov;500001;RO;ro;"
    "vip|fidel\n"
    "C2;Ioana;Băşescu;IOANA@Example.com;0722000002;Str. Avram Iancu 2;Cluj-Napoca;400001;ro;en;\n"
)


def named(workspace, external_id):
    return Customer.objects.for_workspace(workspace).get(external_id=external_id)


def test_a_romanian_semicolon_file_with_bom_creates_customers_exactly(cast, tmp_path):
    baseline = Event.objects.count()
    job = run(tmp_path, cast.shop, "customers", ROMANIAN, cast.owner, bom=True)
    assert (job.status, job.error_count, job.errors) == (ImportStatus.SUCCEEDED, 0, [])
    assert (job.rows_read, job.created_count, job.updated_count, job.unchanged_count) == (
        2,
        2,
        0,
        0,
    )
    stefan = named(cast.shop, "C1")
    assert (stefan.first_name, stefan.last_name, stefan.email, stefan.phone) == (
        "Ștefan",
        "Țăranu",
        "stefan@example.com",
        "+40722000001",
    )
    assert (stefan.address_line, stefan.city, stefan.postal_code, stefan.country) == (
        "Str. Mărășești 1",
        "Brașov",
        "500001",
        "RO",
    )
    assert sorted(stefan.tags.values_list("name", flat=True)) == ["fidel", "vip"]
    ioana = named(cast.shop, "C2")
    # The cedilla form ş is kept as given, not "corrected" to ș.
    assert (ioana.last_name, ioana.email, ioana.country, ioana.language) == (
        "Băşescu",
        "ioana@example.com",
        "RO",
        "en",
    )
    assert list(ioana.tags.all()) == []
    assert list(CustomerEmail.objects.order_by("address").values_list("address", "is_primary")) == [
        ("ioana@example.com", True),
        ("stefan@example.com", True),
    ]
    kinds = list(Event.objects.order_by("pk").values_list("kind", "customer_id", "actor_id"))
    kinds = kinds[baseline:]
    assert kinds == [
        ("customer.created", stefan.pk, cast.owner.pk),
        ("customer.created", ioana.pk, cast.owner.pk),
        ("import.finished", None, cast.owner.pk),
    ]
    finished = Event.objects.get(kind="import.finished")
    assert (finished.subject_type, finished.subject_id) == ("importjob", job.pk)
    assert finished.new == {
        "kind": "customers",
        "file_name": "data.csv",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert Customer.objects.for_workspace(cast.other_shop).count() == 0


def test_a_comma_separated_english_file_without_bom(cast, tmp_path):
    text = 'external_id,first_name,last_name,email\nX9,Ana,"Pop, jr.",ana@example.com\n'
    job = run(tmp_path, cast.shop, "customers", text)
    assert job.status == ImportStatus.SUCCEEDED
    ana = named(cast.shop, "X9")
    assert (ana.first_name, ana.last_name, ana.language) == ("Ana", "Pop, jr.", "ro")


def test_reimporting_the_same_file_changes_nothing(cast, tmp_path):
    run(tmp_path, cast.shop, "customers", ROMANIAN, cast.owner)
    before = counts()
    job = run(tmp_path, cast.shop, "customers", ROMANIAN, cast.owner)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        ImportStatus.SUCCEEDED,
        0,
        0,
        2,
    )
    assert counts() == before


def test_a_changed_row_updates_the_customer_and_records_old_and_new(cast, tmp_path):
    run(tmp_path, cast.shop, "customers", ROMANIAN, cast.owner)
    changed = ROMANIAN.replace("Brașov;500001", "Sibiu;550001").replace("vip|fidel", "vip")
    before = Event.objects.count()
    job = run(tmp_path, cast.shop, "customers", changed, cast.teammate)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    stefan = named(cast.shop, "C1")
    assert (stefan.city, stefan.postal_code) == ("Sibiu", "550001")
    assert list(stefan.tags.values_list("name", flat=True)) == ["vip"]
    events = list(Event.objects.order_by("pk")[before:])
    assert [(e.kind, e.customer_id, e.actor_id) for e in events] == [
        ("customer.changed", stefan.pk, cast.teammate.pk),
        ("import.finished", None, cast.teammate.pk),
    ]
    assert events[0].old == {"city": "Brașov", "postal_code": "500001", "tags": ["fidel", "vip"]}
    assert events[0].new == {"city": "Sibiu", "postal_code": "550001", "tags": ["vip"]}


def test_a_row_without_external_id_finds_its_customer_by_email(cast, tmp_path):
    known = customer_create(workspace=cast.shop, actor=None, email="maria@example.com")
    job = run(
        tmp_path, cast.shop, "customers", "email;external_id;nume\nMaria@example.com;M7;Ene\n"
    )
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.SUCCEEDED, 0, 1)
    known.refresh_from_db()
    assert (known.external_id, known.last_name) == ("M7", "Ene")
    assert Customer.objects.count() == 1


def test_a_new_email_becomes_the_primary_address(cast, tmp_path):
    run(tmp_path, cast.shop, "customers", ROMANIAN)
    job = run(tmp_path, cast.shop, "customers", "id;email\nC1;stefan.t@example.com\n")
    assert job.updated_count == 1
    assert named(cast.shop, "C1").email == "stefan.t@example.com"
    assert list(
        CustomerEmail.objects.filter(customer__external_id="C1")
        .order_by("address")
        .values_list("address", "is_primary")
    ) == [("stefan.t@example.com", True), ("stefan@example.com", False)]


def test_every_bad_row_is_reported_and_nothing_is_written(cast, tmp_path):
    text = (
        "external_id;first_name;email;country;language\n"
        "A1;Ana;ana@example.com;RO;ro\n"
        "A2;Bogdan;not-an-email;ROU;ro\n"
        "\n"
        "A3;Cezar;cezar@example.com;RO;fr\n"
        "A1;Dan;dan@example.com;RO;ro\n"
        ";Elena;;;\n"
        "A6;Florin;florin@example.com\n"
        "A7;" + "x" * 101 + ";g@example.com;RO;ro\n"
    )
    before = counts()
    job = run(tmp_path, cast.shop, "customers", text, cast.owner)
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [
        (3, "email", "'not-an-email' is not a valid e-mail address"),
        (3, "country", "'ROU' is not a two-letter country code (RO, MD, …)"),
        (5, "language", "'fr' is not a language we write in (ro or en)"),
        (6, "external_id", "'A1' already appears on an earlier line of the file"),
        (7, "external_id", "needs an external_id or an email"),
        (8, "", "has 3 cells but the header has 5"),
        (9, "first_name", "is longer than 100 characters"),
    ]
    assert job.error_count == 7
    assert (job.created_count, job.updated_count) == (0, 0)
    assert counts() == before


def test_a_conflict_found_in_the_database_rolls_back_earlier_batches(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    customer_create(workspace=cast.shop, actor=None, external_id="OLD", email="taken@example.com")
    before = counts()
    rows = "".join(f"N{i};n{i}@example.com\n" for i in range(5))
    job = run(tmp_path, cast.shop, "customers", "id;email\n" + rows + "N9;taken@example.com\n")
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [(7, "email", "belongs to the customer with external id 'OLD'")]
    assert counts() == before


def test_errors_beyond_the_first_thousand_are_counted_not_stored(cast, tmp_path):
    rows = "".join(f"E{i};bad{i}\n" for i in range(1500))
    job = run(tmp_path, cast.shop, "customers", "id;email\n" + rows)
    assert (job.status, job.error_count, len(job.errors)) == (ImportStatus.FAILED, 1500, 1000)
    assert job.errors[0] == {
        "line": 2,
        "column": "email",
        "reason": "'bad0' is not a valid e-mail address",
    }
    assert job.errors[-1]["line"] == 1001


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", (1, "", "the file is empty or has no header row")),
        (
            "nume;prenume\nPop;Ana\n",
            (1, "external_id", "the header needs an external_id or an email column"),
        ),
        (
            "id;email;mail\n1;a@example.com;b@example.com\n",
            (1, "email", "this column appears twice in the header"),
        ),
    ],
)
def test_an_unusable_header_is_one_clear_error(cast, tmp_path, text, error):
    job = run(tmp_path, cast.shop, "customers", text)
    assert (job.status, errors_of(job)) == (ImportStatus.FAILED, [error])
    assert counts()["customers"] == 0


def test_bytes_that_are_not_utf8_are_reported_by_line(cast, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id;nume\nA;Pop\nB;Ţ\n".encode() + "C;Mârie\n".encode("latin-1"))
    job = services.import_run_file(workspace=cast.shop, kind="customers", path=path, actor=None)
    assert errors_of(job) == [(4, "", "is not valid UTF-8 text")]
    assert counts()["customers"] == 0


def test_the_same_external_id_in_another_workspace_is_another_customer(cast, tmp_path):
    customer_create(workspace=cast.other_shop, actor=None, external_id="C1", first_name="Other")
    job = run(tmp_path, cast.shop, "customers", ROMANIAN)
    assert job.created_count == 2
    assert named(cast.other_shop, "C1").first_name == "Other"
    assert named(cast.shop, "C1").first_name == "Ștefan"
