"""An imported order dated outside 2000 … a year from today is a row error, like any other."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clientela.commerce.dates import order_date_check
from clientela.imports.models import ImportStatus
from tests.imports.helpers import counts, errors_of, run

pytestmark = pytest.mark.django_db


def test_orders_dated_outside_the_bounds_are_row_errors_and_nothing_is_written(cast, tmp_path):
    text = (
        "external_id;customer_email;placed_at;total\n"
        "O1;ana@example.com;2024-05-01;10\n"
        "O2;ana@example.com;1999-12-31;10\n"
        "O3;ana@example.com;31.12.2099 10:00;10\n"
        "O4;ana@example.com;2100-01-01T00:00:00Z;10\n"
    )
    before = counts()

    job = run(tmp_path, cast.shop, "orders", text)

    message = order_date_check(timezone.now().replace(year=1999), timezone.get_current_timezone())
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [
        (3, "placed_at", message),
        (4, "placed_at", message),
        (5, "placed_at", message),
    ]
    assert counts() == before
