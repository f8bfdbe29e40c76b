"""The retention period: off by default; once set, the daily sweep erases silent customers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientela.accounts.policy import NotPermitted
from clientela.clock.registry import registry
from clientela.commerce.services import order_create
from clientela.customers.models import Customer
from clientela.customers.services import consent_grant, customer_create
from clientela.privacy.models import PrivacySettings
from clientela.privacy.services import PrivacyError, privacy_settings_update, retention_sweep_all
from clientela.privacy.tasks import privacy_retention_sweep
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db


def _customer(cast, name: str, days_old: int, workspace=None):
    customer = customer_create(
        workspace=workspace or cast.shop,
        actor=None,
        first_name=name,
        email=f"{name.lower()}@example.com",
    )
    Customer.objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timedelta(days=days_old)
    )
    return customer


def _order(cast, customer, days_ago):
    order_create(
        workspace=customer.workspace,
        actor=None,
        customer=customer,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal("10"),
    )


@pytest.fixture
def people(cast):
    silent = _customer(cast, "Silent", 900)
    _order(cast, silent, 800)
    buyer = _customer(cast, "Buyer", 900)
    _order(cast, buyer, 30)
    consenting = _customer(cast, "Consenting", 900)
    consent_grant(
        customer=consenting,
        purpose="marketing",
        channel="email",
        source="form",
        ip=None,
        actor=None,
    )
    new = _customer(cast, "New", 10)
    elsewhere = _customer(cast, "Elsewhere", 900, workspace=cast.other_shop)
    return silent, buyer, consenting, new, elsewhere


def _erased() -> list[str]:
    return sorted(Customer.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))


def test_the_period_is_off_by_default_and_the_sweep_erases_nothing(cast, people):
    assert retention_sweep_all() == 0
    assert _erased() == []


def test_the_sweep_erases_only_the_silent_customers_of_the_workspace_and_once(cast, people):
    silent, *_ = people
    privacy_settings_update(workspace=cast.shop, actor=cast.owner, retention_days=365)

    first = privacy_retention_sweep.call()
    second = privacy_retention_sweep.call()

    assert (first, second) == (1, 0)
    assert _erased() == [silent.pk]
    row = Event.objects.get(kind="customer.erased")
    assert (row.actor, row.actor_label, row.customer_id) == (None, "system", silent.pk)


def test_the_sweep_is_registered_with_the_clock():
    [job] = [job for job in registry.jobs() if job.name == "privacy.retention_sweep"]
    assert (job.cron, job.task) == ("15 4 * * *", privacy_retention_sweep)


def test_only_the_owner_sets_the_period_within_bounds(cast):
    with pytest.raises(NotPermitted):
        privacy_settings_update(workspace=cast.shop, actor=cast.manager, retention_days=365)
    with pytest.raises(PrivacyError):
        privacy_settings_update(workspace=cast.shop, actor=cast.owner, retention_days=30)

    privacy_settings_update(workspace=cast.shop, actor=cast.owner, retention_days=730)
    privacy_settings_update(workspace=cast.shop, actor=cast.owner, retention_days=730)

    assert PrivacySettings.objects.get(workspace=cast.shop).retention_days == 730
    row = Event.objects.get(kind="privacy.settings_changed")
    assert (row.old, row.new) == ({"retention_days": None}, {"retention_days": 730})
