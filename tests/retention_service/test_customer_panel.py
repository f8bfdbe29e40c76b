"""The customer page's retention panel: the sentence, the segment and what it means, and the
value even where BG/NBD does not estimate P(alive) (a one-time buyer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clientela.retention.models import CustomerScore
from clientela.retention.services import retention_run_execute, retention_run_request

from .factories import simulated_shop

TODAY = dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_a_long_silent_one_time_buyer_is_not_shown_as_likely_active(cast, client_for):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    # BG/NBD by name: the model that leaves a one-time buyer's P(alive) unestimated.
    run = retention_run_request(workspace=cast.shop, actor=None, model="bgnbd")
    retention_run_execute(run=run, today=TODAY)
    score = (
        CustomerScore.objects.current(cast.shop)
        .filter(purchases=1, last_purchase__lt=dt.date(2025, 6, 30))
        .order_by("customer_id")
        .first()
    )
    assert (score.segment, score.p_alive) == ("one_time", None)
    html = (
        client_for(cast.viewer)
        .get(reverse("web:customer", kwargs={"ws": "alice", "pk": score.customer_id}))
        .content.decode()
    )
    assert "customers like this rarely come back" in html
    assert "likely still a customer" not in html.split('class="sentence"')[1].split("</p>")[0]
    assert "Bought once, longer ago than most customers take to come back" in html
    assert "Value of the next 12 months" in html
