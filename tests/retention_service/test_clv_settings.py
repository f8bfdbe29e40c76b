"""The gross margin and discount rate of CLV: per workspace, validated, used by the refresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clientela.retention.models import CustomerScore, RetentionSettings
from clientela.retention.services import (
    retention_run_execute,
    retention_run_request,
    retention_settings_for,
    retention_settings_update,
)
from clientela.timeline.models import Event

from .factories import simulated_shop
from .test_api import Api

TODAY = dt.date(2026, 6, 30)


def refresh(workspace):
    return retention_run_execute(
        run=retention_run_request(workspace=workspace, actor=None), today=TODAY
    )


def clv_by_customer(run):
    return dict(CustomerScore.objects.filter(run=run).values_list("customer_id", "clv"))


@pytest.mark.django_db
def test_halving_the_margin_halves_every_stored_clv_after_a_refresh(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    first = refresh(cast.shop)
    before = clv_by_customer(first)
    assert (first.clv_margin, first.clv_annual_discount) == (Decimal("1"), Decimal("0.1"))

    retention_settings_update(workspace=cast.shop, actor=cast.owner, clv_margin=Decimal("0.5"))
    second = refresh(cast.shop)
    after = clv_by_customer(second)

    assert (second.clv_margin, second.clv_annual_discount) == (Decimal("0.5"), Decimal("0.1"))
    assert after.keys() == before.keys() and len(after) == 150
    for customer, value in before.items():
        assert after[customer] == pytest.approx(0.5 * value, rel=1e-12)


@pytest.mark.django_db
def test_no_discount_values_the_same_purchases_higher(cast):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    before = clv_by_customer(refresh(cast.shop))
    retention_settings_update(
        workspace=cast.shop, actor=cast.owner, clv_annual_discount=Decimal("0")
    )
    after = clv_by_customer(refresh(cast.shop))
    # Twelve monthly periods at 10% a year discount by between 0.8% and 9.1%.
    for customer, value in before.items():
        assert 1.007 < after[customer] / value < 1.092


@pytest.mark.django_db
def test_settings_default_to_revenue_and_ten_percent_and_refuse_values_out_of_range(cast):
    defaults = retention_settings_for(cast.shop)
    assert (defaults.pk, defaults.clv_margin, defaults.clv_annual_discount) == (
        None,
        Decimal("1.0000"),
        Decimal("0.1000"),
    )
    for bad in (
        {"clv_margin": 0},
        {"clv_margin": Decimal("1.0001")},
        {"clv_margin": Decimal("0.00001")},  # rounds to 0
        {"clv_annual_discount": 1},
        {"clv_annual_discount": Decimal("-0.01")},
    ):
        with pytest.raises(ValidationError):
            retention_settings_update(workspace=cast.shop, actor=cast.owner, **bad)
    assert not RetentionSettings.objects.exists()
    assert not Event.objects.filter(kind="retention.settings_updated").exists()

    saved = retention_settings_update(
        workspace=cast.shop, actor=cast.manager, clv_margin=0.35, clv_annual_discount=0.08
    )
    assert (saved.clv_margin, saved.clv_annual_discount) == (Decimal("0.35"), Decimal("0.08"))
    event = Event.objects.get(kind="retention.settings_updated")
    assert (event.workspace, event.actor, event.old, event.new) == (
        cast.shop,
        cast.manager,
        {"clv_margin": "1.0000", "clv_annual_discount": "0.1000"},
        {"clv_margin": "0.3500", "clv_annual_discount": "0.0800"},
    )
    assert retention_settings_for(cast.other_shop).pk is None  # another shop is untouched


@pytest.mark.django_db
def test_a_manager_changes_the_settings_on_their_page_and_the_dashboard_says_so(cast, client_for):
    simulated_shop(cast.shop, n=150, start=dt.date(2024, 7, 1), end=TODAY)
    refresh(cast.shop)
    manager = client_for(cast.manager)
    settings_url = reverse("web:retention_settings", kwargs={"ws": "alice"})
    dashboard_url = reverse("web:retention", kwargs={"ws": "alice"})
    html = manager.get(dashboard_url).content.decode()
    assert (
        "counts a gross margin of 100% of revenue, discounted at 10% a year." in html
        and 'class="clv-next"' not in html
        and settings_url in html
    )
    form = manager.get(settings_url)
    assert form.status_code == 200
    token = manager.cookies["csrftoken"].value

    refused = manager.post(
        settings_url,
        {"csrfmiddlewaretoken": token, "clv_margin": "0", "clv_annual_discount": "1"},
    )
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"clv_margin", "clv_annual_discount"}
    assert not RetentionSettings.objects.exists()

    saved = manager.post(
        settings_url,
        {"csrfmiddlewaretoken": token, "clv_margin": "0.355", "clv_annual_discount": "0.08"},
    )
    assert saved.status_code == 302 and saved["Location"] == dashboard_url
    html = manager.get(dashboard_url).content.decode()
    assert "The value of the next 12 months counts a gross margin of 100% of revenue" in html
    assert (
        "The next refresh counts a gross margin of 35.5% of revenue, discounted at 8% a year."
        in html
    )
    refresh(cast.shop)
    html = manager.get(dashboard_url).content.decode()
    assert "counts a gross margin of 35.5% of revenue, discounted at 8% a year." in html
    assert 'class="clv-next"' not in html
    # A viewer sees the basis but no link to change it.
    assert settings_url not in client_for(cast.viewer).get(dashboard_url).content.decode()


@pytest.mark.django_db
def test_the_api_reads_and_changes_the_settings_within_range(cast):
    owner = Api(cast.shop, cast.owner)
    assert owner.get("/settings").json() == {
        "clv_margin": 1.0,
        "clv_annual_discount": 0.1,
        "model": "automatic",
    }
    assert owner.client.patch(
        "/api/v1/retention/settings",
        '{"clv_margin": 0.4}',
        content_type="application/json",
        headers=owner.headers,
    ).json() == {"clv_margin": 0.4, "clv_annual_discount": 0.1, "model": "automatic"}
    for body in (
        '{"clv_margin": 0}',
        '{"clv_margin": 1.5}',
        '{"clv_annual_discount": 1}',
        '{"clv_annual_discount": -0.1}',
        '{"clv_margin": 0.00001}',
        '{"margin": 0.5}',
        # JSON numbers only: no boolean or string read as one (schemathesis found `true`).
        '{"clv_margin": true}',
        '{"clv_annual_discount": "0.2"}',
    ):
        response = owner.client.patch(
            "/api/v1/retention/settings",
            body,
            content_type="application/json",
            headers=owner.headers,
        )
        assert response.status_code == 422, body
    assert owner.get("/settings").json() == {
        "clv_margin": 0.4,
        "clv_annual_discount": 0.1,
        "model": "automatic",
    }
    viewer = Api(cast.shop, cast.viewer)
    assert (
        viewer.client.patch(
            "/api/v1/retention/settings",
            '{"clv_margin": 0.9}',
            content_type="application/json",
            headers=viewer.headers,
        ).status_code
        == 403
    )
