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
