"""CSV imports through the API: upload (202), then the job's status, progress and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from clientela.customers.models import Customer
from clientela.imports.models import ImportJob
from clientela.imports.services import import_execute

pytestmark = pytest.mark.django_db

GOOD = "email,first_name,city\nana@example.com,Ana,Cluj\nbob@example.com,Bob,Iasi\n"
BAD = "email,first_name\nana@example.com,Ana\nnot-an-address,Bob\n"


def _upload(tokens: dict[str, str], caller: str, content: str, kind: str = "customers") -> Any:
    return Client().post(
        "/api/v1/imports",
        {"kind": kind, "file": SimpleUploadedFile("clients.csv", content.encode(), "text/csv")},
        headers={"Authorization": f"Bearer {tokens[caller]}"},
    )


def test_upload_queues_a_job_and_its_task(
    cast, tokens, data_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(tokens, "manager", GOOD)

    assert response.status_code == 202
    job = ImportJob.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "kind", "status", "file_name", "created_by")} == {
        "id": job.pk,
        "kind": "customers",
        "status": "queued",
        "file_name": "clients.csv",
        "created_by": "mihai@example.com",
    }
    assert (body["total_bytes"], body["progress_percent"], body["errors"]) == (len(GOOD), 0, [])
    assert job.workspace == cast.shop
    assert [
        (r.task_path, r.queue_name, r.args_kwargs["args"]) for r in DBTaskResult.objects.all()
    ] == [("clientela.imports.tasks.import_execute_task", "imports", [job.pk])]
    # The service keeps its own copy under the data folder; ours is gone with the request.
    assert [p.parent.name for p in data_dir.rglob("*.csv")] == ["imports"]
    assert Customer.objects.count() == 0


def test_status_after_the_import_ran(cast, tokens, api_as):
    job_id = _upload(tokens, "owner", GOOD).json()["id"]
    import_execute(job_id)

    body = api_as("viewer").get(f"/imports/{job_id}").json()

    assert (body["status"], body["progress_percent"], body["created_count"]) == (
        "succeeded",
        100,
        2,
    )
    assert sorted(Customer.objects.values_list("email", flat=True)) == [
        "ana@example.com",
        "bob@example.com",
    ]


def test_a_refused_file_reports_each_bad_row_and_imports_nothing(cast, tokens, api_as):
    job_id = _upload(tokens, "owner", BAD).json()["id"]
    import_execute(job_id)

    body = api_as("owner").get(f"/imports/{job_id}").json()

    assert (body["status"], body["error_count"], body["created_count"]) == ("failed", 1, 0)
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(3, "email")]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("kind", ["products", ""])
def test_unknown_kind_is_a_422_and_queues_nothing(cast, tokens, kind):
    response = _upload(tokens, "owner", GOOD, kind=kind)

    assert response.status_code == 422
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_limit_is_refused(cast, tokens, settings):
    settings.CLIENTELA_IMPORT_MAX_BYTES = 10

    response = _upload(tokens, "owner", GOOD)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["file", "file"]
    assert ImportJob.objects.count() == 0


def test_agents_and_viewers_cannot_import(cast, tokens):
    assert _upload(tokens, "agent", GOOD).status_code == 403
    assert _upload(tokens, "viewer", GOOD).status_code == 403
    assert ImportJob.objects.count() == 0


def test_a_shopify_export_in_windows_1250_is_read_and_its_layout_reported(cast, tokens, api_as):
    content = (
        "Name,Email,Financial Status,Created at,Lineitem quantity,Total,Billing Name\n"
        "#1001,stefan@example.ro,paid,2024-03-01 14:22:05 +0200,1,89.90,Ştefan Ţăranu\n"
    ).encode("cp1250")
    response = Client().post(
        "/api/v1/imports",
        {
            "kind": "orders",
            "encoding": "cp1250",
            "file": SimpleUploadedFile("orders_export.csv", content, "text/csv"),
        },
        headers={"Authorization": f"Bearer {tokens['owner']}"},
    )
    assert (response.status_code, response.json()["encoding"]) == (202, "cp1250")
    import_execute(response.json()["id"])
    body = api_as("owner").get(f"/imports/{response.json()['id']}").json()
    assert {k: body[k] for k in ("status", "encoding", "file_format", "failure", "retryable")} == {
        "status": "succeeded",
        "encoding": "cp1250",
        "file_format": "shopify-orders",
        "failure": "",
        "retryable": False,
    }
    assert list(Customer.objects.values_list("first_name", "last_name")) == [("Ștefan", "Țăranu")]


def test_a_job_whose_worker_kept_dying_is_retried(cast, tokens, api_as, data_dir):
    job_id = _upload(tokens, "owner", GOOD).json()["id"]
    ImportJob.objects.filter(pk=job_id).update(status="failed", failure="worker_stopped")
    assert api_as("owner").get(f"/imports/{job_id}").json()["retryable"] is True
    response = api_as("manager").post(f"/imports/{job_id}/retry", None)
    assert (response.status_code, response.json()["status"]) == (202, "queued")
    again = api_as("manager").post(f"/imports/{job_id}/retry", None)
    assert again.status_code == 409
    import_execute(job_id)
    assert api_as("owner").get(f"/imports/{job_id}").json()["created_count"] == 2


def test_the_excel_romania_export_through_the_api(cast, api_as):
    customer = Customer.objects.create(workspace=cast.shop, external_id="C1", first_name="Ana")
    assert customer.pk
    response = api_as("owner").get("/customers/export.csv", format="excel_ro")
    assert response["Content-Disposition"] == 'attachment; filename="customers-alice-excel.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.splitlines()[:2] == [
        "\ufeffexternal_id;first_name;last_name;email;phone;address;city;postal_code;country;"
        "language;tags;segment;recency_score;frequency_score;monetary_score",
        "C1;Ana;;;;;;;RO;ro;;;;;",  # not scored yet: no segment, no R, F, M
    ]
