"""The CDNOW 1/10 sample through the database: orders → SQL summary → published estimates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.retention.models import CustomerScore, RunStatus
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_validate,
)

from .factories import BUCHAREST

SAMPLE = settings.BASE_DIR / "clientela" / "demo" / "data" / "cdnow" / "CDNOW_sample.txt"
CALIBRATION_END = dt.date(1997, 9, 30)


def _load(workspace) -> int:
    rows = [line.split() for line in SAMPLE.read_text().splitlines() if line.strip()]
    ids = sorted({row[1] for row in rows})
    Customer.objects.bulk_create(Customer(workspace=workspace, external_id=i) for i in ids)
    pk = dict(Customer.objects.for_workspace(workspace).values_list("external_id", "pk"))
    Order.objects.bulk_create(
        (
            Order(
                workspace=workspace,
                customer_id=pk[sample_id],
                # Late evening local time: still the same day in Bucharest, the next in UTC.
                placed_at=dt.datetime.strptime(day, "%Y%m%d").replace(hour=23, tzinfo=BUCHAREST),
                total=Decimal(dollars),
            )
            for _master, sample_id, day, _cds, dollars in rows
        ),
        batch_size=2000,
    )
    return len(rows)


@pytest.mark.django_db
def test_the_sql_path_reproduces_the_published_bgnbd_and_gamma_gamma_estimates(cast):
    assert _load(cast.shop) == 6919
    run = retention_run_request(workspace=cast.shop, actor=None, model="bgnbd")
    run = retention_run_execute(run=run, today=CALIBRATION_END)

    assert run.status == RunStatus.SUCCEEDED and run.progress_total == 2357
    p = run.parameters
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )
    assert round(run.log_likelihood, 1) == -9582.4
    s = run.spend_parameters
    assert (round(s["p"], 2), round(s["q"], 2)) == (6.25, 3.74)
    # The database sums same-day spend exactly (no cents rounding of zbar, unlike the summary
    # CSV, whose maximum is 15.4477): the published gamma to its printed precision.
    assert round(s["gamma"], 2) == 15.44
    assert CustomerScore.objects.current(cast.shop).count() == 2357
    assert CustomerScore.objects.current(cast.shop).filter(purchases__gt=1).count() == 946


@pytest.mark.django_db
def test_holdout_validation_on_cdnow_counts_the_published_repeat_purchases(cast):
    _load(cast.shop)
    report = retention_validate(workspace=cast.shop, calibration_end=CALIBRATION_END)

    assert (report.start, report.holdout_end, report.customers) == (
        dt.date(1997, 1, 1),
        dt.date(1998, 6, 30),
        2357,
    )
    assert (report.calibration_weeks, len(report.weekly)) == (39, 78)
    assert report.weekly[38].actual == 2457 and report.weekly[77].actual == 4339
    # The model tracks the cohort: within 5% at the end of calibration and of the holdout.
    for week in (38, 77):
        point = report.weekly[week]
        assert abs(point.expected - point.actual) / point.actual < 0.05
    groups = [row.purchases for row in report.conditional]
    assert groups == list(range(8))
    assert sum(row.customers for row in report.conditional) == 2357
    assert report.conditional[0].customers == 1411
    holdout_total = sum(row.actual * row.customers for row in report.conditional)
    assert round(holdout_total) == 1882
