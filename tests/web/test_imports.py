"""The import page: upload, the job page that polls while it runs, and the outcome."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from clientela.customers.models import Customer
from clientela.imports.models import ImportJob, ImportStatus
from clientela.imports.services import import_execute
from tests.web.conftest import post

GOOD = b"email,first_name,last_name\nana@example.com,Ana,Pop\nion@example.com,Ion,Rus\n"
BAD = b"email,first_name\nnot-an-address,Ana\nion@example.com,Ion\n"


def _upload(client, content: bytes, kind: str = "customers"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("clienti.csv", content, content_type="text/csv")
    return post(client, "/w/alice/imports/", {"kind": kind, "file": upload})


@pytest.mark.django_db
def test_a_manager_uploads_customers_and_follows_the_job_to_its_outcome(cast, client_for):
    client = client_for(cast.manager)
    response = _upload(client, GOOD)
    job = ImportJob.objects.for_workspace(cast.shop).get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/alice/imports/{job.pk}/"
    assert (job.kind, job.file_name, job.status, job.created_by) == (
        "customers",
        "clienti.csv",
        ImportStatus.QUEUED,
        cast.manager,
    )
    polling = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in polling
    assert "<html" not in polling
    assert '<progress id="import-progress" max="100" value="0">' in polling

    import_execute(job.pk)

    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    outcome = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", done))
    assert outcome == {"Rows read": "2", "Created": "2", "Updated": "0", "Unchanged": "0"}
    assert sorted(Customer.objects.for_workspace(cast.shop).values_list("email", flat=True)) == [
        "ana@example.com",
        "ion@example.com",
    ]


@pytest.mark.django_db
def test_a_rejected_import_lists_each_error_with_line_column_and_reason(cast, client_for):
    client = client_for(cast.owner)
    _upload(client, BAD)
    job = ImportJob.objects.for_workspace(cast.shop).get()
    import_execute(job.pk)
    page = client.get(f"/w/alice/imports/{job.pk}/").content.decode()
    assert "Nothing was imported: 1 row has an error." in page
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]+)</td></tr>", page)
    job.refresh_from_db()
    assert [(int(line), column) for line, column, _ in rows] == [
        (error["line"], error["column"]) for error in job.errors
    ]
    assert [line for line, _, _ in rows] == ["2"]
    assert not Customer.objects.for_workspace(cast.shop).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "worker_language", "reason"),
    [
        ("ro", "en", "'not-an-address' nu este o adresă de e-mail validă"),
        ("en", "ro", "'not-an-address' is not a valid e-mail address"),
    ],
)
def test_the_reasons_are_written_in_the_uploaders_language(
    cast, client_for, language, worker_language, reason
):
    client = client_for(cast.owner)
    client.cookies["django_language"] = language
    _upload(client, BAD)
    job = ImportJob.objects.for_workspace(cast.shop).get()
    assert job.language == language
    with translation.override(worker_language):  # the worker's own language is not the uploader's
        import_execute(job.pk)
    job.refresh_from_db()
    assert [(e["line"], e["column"], e["reason"]) for e in job.errors] == [(2, "email", reason)]


@pytest.mark.django_db
def test_only_csv_files_are_accepted(cast, client_for):
    client = client_for(cast.manager)
    upload = SimpleUploadedFile("clients.xlsx", b"PK\x03\x04", content_type="application/zip")
    response = post(client, "/w/alice/imports/", {"kind": "customers", "file": upload})
    assert response.status_code == 200
    assert "Choose a .csv file." in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_import_page_lists_only_this_workspaces_jobs(cast, client_for):
    ImportJob.objects.create(workspace=cast.shop, kind="customers", file_name="ours.csv")
    ImportJob.objects.create(workspace=cast.other_shop, kind="customers", file_name="theirs.csv")
    page = client_for(cast.owner).get("/w/alice/imports/").content.decode()
    assert re.findall(r'/imports/\d+/">([^<]+)</a>', page) == ["ours.csv"]


@pytest.mark.django_db
def test_the_page_lists_each_layout_s_columns_and_offers_its_template(cast, client_for):
    client = client_for(cast.manager)
    page = client.get("/w/alice/imports/").content.decode()
    slugs = re.findall(r'<details class="panel import-format" id="format-([a-z-]+)">', page)
    assert slugs == [
        "clientela-customers",
        "clientela-orders",
        "shopify-customers",
        "shopify-orders",
        "woocommerce-customers",
        "woocommerce-orders",
        "prestashop-customers",
        "prestashop-orders",
    ]
    assert "<td><code>Financial Status</code></td>" in page
    assert "<td><code>Accepts Email Marketing</code></td>" in page
    assert 'href="/w/alice/imports/template.csv?format=shopify-orders"' in page
    template = client.get("/w/alice/imports/template.csv", {"format": "prestashop-orders"})
    assert template["Content-Disposition"] == (
        'attachment; filename="template-prestashop-orders.csv"'
    )
    assert template.content.decode("utf-8").splitlines() == [
        "\ufeffID;Reference;New client;Customer;Total;Payment;Status;Date",
        "1001;XKBKNABJK;1;Ș. Țăranu;249,90 lei;Ramburs;Livrat;2024-03-01 14:22:05",
    ]


@pytest.mark.django_db
def test_a_windows_1250_file_uploaded_with_its_encoding_chosen(cast, client_for):
    client = client_for(cast.manager)
    content = "id;prenume;nume\r\nC1;Ştefan;Ţăranu\r\n".encode("cp1250")
    upload = SimpleUploadedFile("clienti.csv", content, content_type="text/csv")
    post(client, "/w/alice/imports/", {"kind": "customers", "file": upload, "encoding": "cp1250"})
    job = ImportJob.objects.for_workspace(cast.shop).get()
    assert job.encoding == "cp1250"
    import_execute(job.pk)
    page = client.get(f"/w/alice/imports/{job.pk}/").content.decode()
    assert "Read as a Clientela file, in Windows-1250." in page
    assert list(Customer.objects.values_list("first_name", "last_name")) == [("Ștefan", "Țăranu")]


@pytest.mark.django_db
def test_a_job_whose_worker_kept_dying_shows_the_reason_and_a_retry_button(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client = client_for(cast.manager)
    _upload(client, GOOD)
    job = ImportJob.objects.for_workspace(cast.shop).get()
    ImportJob.objects.filter(pk=job.pk).update(status="failed", failure="worker_stopped")
    page = client.get(f"/w/alice/imports/{job.pk}/").content.decode()
    assert "The import stopped before its end several times" in page
    assert f'action="/w/alice/imports/{job.pk}/retry/"' in page
    assert (
        post(client_for(cast.teammate), f"/w/alice/imports/{job.pk}/retry/", {}).status_code == 403
    )
    response = post(client, f"/w/alice/imports/{job.pk}/retry/", {})
    assert response["Location"] == f"/w/alice/imports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportStatus.QUEUED, "")
    import_execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2)
