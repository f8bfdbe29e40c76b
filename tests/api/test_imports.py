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
