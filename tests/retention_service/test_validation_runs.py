"""Validation as a background job: queued, computed by a worker step by step, kept, shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from clientela.retention.models import RunStatus, ValidationRun
from clientela.retention.services import (
    RetentionError,
    retention_validate,
    retention_validation_execute,
    validation_report,
)
from clientela.retention.tasks import retention_validation_enqueue, retention_validation_task
from clientela.timeline.models import Event

from .factories import simulated_shop

END = dt.date(2025, 6, 30)


@pytest.fixture
def shop(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=dt.date(2026, 6, 30))
    return cast.shop


def _url(name, ws="alice", **kwargs):
    return reverse(f"web:{name}", kwargs={"ws": ws, **kwargs})


@pytest.mark.django_db
def test_a_queued_validation_is_computed_by_the_worker_and_its_report_kept(
    shop, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = retention_validation_enqueue(
            workspace=shop, actor=cast.manager, calibration_end=END
        )
    assert (queued.status, queued.steps_done, queued.progress_percent) == ("queued", 0, 0)
    task = DBTaskResult.objects.get(task_path=retention_validation_task.module_path)
    assert task.args_kwargs["args"] == [queued.pk]

    done = retention_validation_execute(validation=queued)

    assert (done.status, done.steps_done, done.progress_percent) == ("succeeded", 4, 100)
    done.refresh_from_db()  # the report as read back from the database
    assert validation_report(done) == retention_validate(workspace=shop, calibration_end=END)
    kinds = list(
        Event.objects.for_workspace(shop)
        .filter(kind__startswith="retention.validation")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["retention.validation_requested", "retention.validation_succeeded"]
    # Run again (a task delivered twice): nothing is recomputed.
    again = retention_validation_execute(validation=done)
    assert (again.status, again.finished_at) == ("succeeded", done.finished_at)


@pytest.mark.django_db
def test_a_validation_that_cannot_be_done_fails_with_its_reason(shop, cast):
    late = dt.date(2027, 1, 1)  # after the last purchase: no holdout
    validation = retention_validation_enqueue(workspace=shop, actor=None, calibration_end=late)
    validation = retention_validation_execute(validation=validation)

    assert (validation.status, validation.reason_code) == (RunStatus.FAILED, "no_holdout")
    with pytest.raises(RetentionError) as raised:
        retention_validate(workspace=shop, calibration_end=late)
    assert validation.reason_text == str(raised.value)
    assert validation_report(validation) is None


@pytest.mark.django_db
def test_one_validation_at_a_time_and_a_live_worker_keeps_its_own(shop, cast):
    first = retention_validation_enqueue(workspace=shop, actor=None, calibration_end=END)
    second = retention_validation_enqueue(
        workspace=shop, actor=None, calibration_end=dt.date(2025, 9, 30)
    )
    assert second.pk == first.pk

    held = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    ValidationRun.objects.filter(pk=first.pk).update(status="running", lease_until=held)
    result = retention_validation_execute(validation=first)
    assert (result.status, result.steps_done) == ("running", 0)
    # The worker died: its lease runs out and the next task takes the validation over.
    expired = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    ValidationRun.objects.filter(pk=first.pk).update(lease_until=expired)
    assert retention_validation_execute(validation=first).status == "succeeded"

    third = retention_validation_enqueue(workspace=shop, actor=None, calibration_end=END)
    assert third.pk != first.pk and third.status == "queued"


@pytest.mark.django_db
def test_the_progress_panel_polls_while_active_and_reloads_the_page_when_done(
    shop, cast, client_for
):
    validation = retention_validation_enqueue(workspace=shop, actor=None, calibration_end=END)
    viewer = client_for(cast.viewer)
    panel = viewer.get(_url("retention_validation_run", pk=validation.pk), HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert f'hx-get="{_url("retention_validation_run", pk=validation.pk)}"' in html
    assert 'id="validation-progress"' in html

    retention_validation_execute(validation=validation)
    done = viewer.get(_url("retention_validation_run", pk=validation.pk), HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done.headers["HX-Refresh"] == "true"
    page = viewer.get(_url("retention_validation"))
    assert page.context["report"].calibration_end == END
    assert "hx-get" not in page.content.decode().split('id="validation-run"')[1].split(">")[0]

    outsider = client_for(cast.outsider)
    assert outsider.get(_url("retention_validation_run", pk=validation.pk)).status_code == 404
    other = _url("retention_validation_run", ws="charlie", pk=validation.pk)
    assert outsider.get(other).status_code == 404
