"""Files as Excel in Romania saves them: Windows-1250 or ISO-8859-2, semicolons; and quotes
that are not closed, which must not swallow the rows after them."""

from __future__ import annotations

import io

from django.core.management import call_command

from clientela.customers.models import Customer
from clientela.imports.models import ImportStatus
from clientela.imports.services import import_run_file
from tests.imports.helpers import counts, errors_of

EXCEL_RO = (
    "Cod client;Prenume;Nume;Adresă de e-mail;Oraş\r\n"
    "C1;Ştefan;Ţăranu;stefan@example.com;Brăila\r\n"
    "C2;Ioana;Bîrsan;ioana@example.com;Târgu Mureş\r\n"
    "C3;Mircea;Pârvu;mircea@example.com;Iaşi\r\n"
)


def _import(cast, path, **kw):
    return import_run_file(workspace=cast.shop, kind="customers", path=path, actor=None, **kw)


def _names(cast):
    customers = Customer.objects.for_workspace(cast.shop).order_by("external_id")
    return list(customers.values_list("external_id", "first_name", "last_name", "city"))


# The legacy encodings have only the cedilla forms (ş ţ): we store the letters Romanian
# writes, with the comma below (ș ț).
IMPORTED = [
    ("C1", "Ștefan", "Țăranu", "Brăila"),
    ("C2", "Ioana", "Bîrsan", "Târgu Mureș"),
    ("C3", "Mircea", "Pârvu", "Iași"),
]


def test_an_excel_file_in_windows_1250_with_semicolons_is_read(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_bytes(EXCEL_RO.encode("cp1250"))
    job = _import(cast, path)
    assert (job.status, errors_of(job)) == (ImportStatus.SUCCEEDED, [])
    assert job.created_count == 3
    assert _names(cast) == IMPORTED


def test_an_iso_8859_2_file_is_read(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_bytes(EXCEL_RO.encode("iso-8859-2"))
    job = _import(cast, path)
    assert (job.status, errors_of(job)) == (ImportStatus.SUCCEEDED, [])
    assert _names(cast) == IMPORTED


def test_windows_1250_is_told_from_iso_8859_2_by_the_bytes_only_one_of_them_prints(cast, tmp_path):
    # „…” and the en dash are 0x84, 0x94 and 0x96 in Windows-1250: control characters in ISO-8859-2.
    text = "id;prenume;nume;oras\r\nC1;Ana;Pop „Ana” \u2013 Şerban;Iaşi\r\n"
    path = tmp_path / "clienti.csv"
    path.write_bytes(text.encode("cp1250"))
    job = _import(cast, path)
    assert (job.status, errors_of(job)) == (ImportStatus.SUCCEEDED, [])
    assert _names(cast) == [("C1", "Ana", "Pop „Ana” \u2013 Șerban", "Iași")]


def test_the_encoding_chosen_on_the_page_is_used(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_bytes(EXCEL_RO.encode("iso-8859-2"))
    job = _import(cast, path, encoding="iso-8859-2")
    assert (job.status, job.encoding) == (ImportStatus.SUCCEEDED, "iso-8859-2")
    assert _names(cast) == IMPORTED


def test_a_utf8_file_chosen_as_utf8_reports_the_bad_line_with_advice(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_bytes(EXCEL_RO.encode("cp1250"))
    job = _import(cast, path, encoding="utf-8")
    assert job.status == ImportStatus.FAILED
    assert errors_of(job)[0] == (
        1,
        "",
        "the file is not UTF-8 text: choose its encoding on the import page "
        "(Excel in Romanian saves Windows-1250)",
    )
    assert counts()["customers"] == 0


def test_an_unterminated_quote_is_a_row_error_and_the_rows_after_it_are_read(cast, tmp_path):
    text = (
        "id;prenume;email\n"
        'C1;"Ana;ana@example.com\n'
        "C2;Bogdan;not-an-email\n"
        "C3;Cezar;cezar@example.com\n"
        'C4;"Dan";dan@example.com\n'
    )
    path = tmp_path / "clienti.csv"
    path.write_text(text, encoding="utf-8")
    job = _import(cast, path)
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [
        (2, "", 'has a quotation mark (") that is not closed where its cell ends'),
        (3, "email", "'not-an-email' is not a valid e-mail address"),
    ]
    assert job.rows_read == 4
    assert counts()["customers"] == 0


def test_a_quote_left_open_to_the_end_of_the_file_is_a_row_error(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_text('id;prenume\nC1;Ana\nC2;"Bogdan\nC3;Cezar\n', encoding="utf-8")
    job = _import(cast, path)
    assert errors_of(job) == [
        (3, "", 'has a quotation mark (") that is not closed where its cell ends')
    ]
    assert counts()["customers"] == 0


def test_a_quoted_cell_over_two_lines_is_still_one_cell(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_text(
        'id;adresa;oras\nC1;"Str. Unirii 1\nbl. A";Iași\nC2;Str. Mare 2;Cluj\n', encoding="utf-8"
    )
    job = _import(cast, path)
    assert (job.status, job.rows_read) == (ImportStatus.SUCCEEDED, 2)
    addresses = Customer.objects.for_workspace(cast.shop).order_by("external_id")
    assert list(addresses.values_list("address_line", flat=True)) == [
        "Str. Unirii 1\nbl. A",
        "Str. Mare 2",
    ]


def test_every_error_of_a_row_is_reported_also_a_repeated_id(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_text(
        "id;email;tara;limba\nC1;a@example.com;RO;ro\nC1;bad;ROU;fr\n", encoding="utf-8"
    )
    job = _import(cast, path)
    assert errors_of(job) == [
        (3, "email", "'bad' is not a valid e-mail address"),
        (3, "country", "'ROU' is not a two-letter country code (RO, MD, …)"),
        (3, "language", "'fr' is not a language we write in (ro or en)"),
        (3, "external_id", "'C1' already appears on an earlier line of the file"),
    ]


def test_the_command_takes_the_encoding(cast, tmp_path):
    path = tmp_path / "clienti.csv"
    path.write_bytes(EXCEL_RO.encode("iso-8859-2"))
    out = io.StringIO()
    call_command(
        "import", "customers", str(path), workspace="alice", encoding="iso-8859-2",
        no_progress=True, stdout=out,
    )  # fmt: skip
    assert out.getvalue() == "Imported 3 rows: 3 created, 0 updated, 0 unchanged.\n"
    assert _names(cast) == IMPORTED
