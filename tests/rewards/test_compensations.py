"""The catalogue, the budget, approval above it, and the ledger's timeline rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.accounts.policy import NotPermitted
from clientela.commerce.models import Order
from clientela.rewards.models import (
    CatalogueItem,
    Compensation,
    CompensationKind,
    CompensationStatus,
    GiftCertificate,
)
from clientela.rewards.selectors import budget_for, ledger_totals
from clientela.rewards.services.catalogue import catalogue_item_update, catalogue_seed
from clientela.rewards.services.compensations import (
    CompensationError,
    compensation_approve,
    compensation_propose,
    compensation_reject,
)
from clientela.timeline.models import Event
from tests.rewards.conftest import item, picture

pytestmark = pytest.mark.django_db

PNG = picture()


def test_the_catalogue_starts_with_the_guides_five_gifts_once(cast):
    assert catalogue_seed(workspace=cast.shop) == 5
    assert catalogue_seed(workspace=cast.shop) == 0
    kinds = set(CatalogueItem.objects.for_workspace(cast.shop).values_list("kind", flat=True))
    assert kinds == set(CompensationKind.values)
    assert Event.objects.filter(kind="catalogue.seeded").count() == 1


def test_the_budget_is_five_percent_of_spend_between_the_floor_and_the_cap(cast, ana):
    assert budget_for(ana).amount == Decimal("25.00")  # nothing spent: the floor
    Order.objects.create(
        workspace=cast.shop, customer=ana, placed_at="2026-01-05T10:00Z", total=1300
    )
    budget = budget_for(ana)
    assert (budget.basis, budget.value, budget.amount) == (
        "spend",
        Decimal("1300.00"),
        Decimal("65.00"),
    )
    Order.objects.create(
        workspace=cast.shop, customer=ana, placed_at="2026-02-05T10:00Z", total=90000
    )
    assert budget_for(ana).amount == Decimal("500.00")


def test_within_budget_an_agents_proposal_is_given_at_once_with_a_certificate(cast, given):
    compensation = given.compensation
    assert compensation.status == CompensationStatus.GIVEN
    assert (compensation.cost, compensation.budget, compensation.case_ref) == (
        Decimal("20.00"),
        Decimal("25.00"),
        "CASE-7",
    )
    assert given.certificate is not None and given.certificate.balance == Decimal("20.00")
    assert given.code is not None and len(given.code) == 23
    kinds = list(Event.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[-3:] == ["compensation.proposed", "compensation.approved", "certificate.issued"]


def test_above_budget_it_waits_for_a_manager(cast, ana):
    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    given = compensation_propose(customer=ana, actor=cast.teammate, item=gift, cost=Decimal("60"))
    assert given.compensation.status == CompensationStatus.PENDING and given.code is None
    assert GiftCertificate.objects.count() == 0
    with pytest.raises(NotPermitted):
        compensation_approve(compensation=given.compensation, actor=cast.teammate)
    approved = compensation_approve(compensation=given.compensation, actor=cast.manager)
    assert approved.compensation.status == CompensationStatus.GIVEN
    assert approved.compensation.decided_by == cast.manager
    assert approved.certificate is not None and approved.certificate.amount == Decimal("60.00")
    with pytest.raises(CompensationError):
        compensation_approve(compensation=given.compensation, actor=cast.manager)
    assert GiftCertificate.objects.count() == 1


def test_a_managers_own_proposal_above_budget_is_given(cast, ana):
    gift = item(cast, CompensationKind.SMALL_GIFT)
    given = compensation_propose(customer=ana, actor=cast.manager, item=gift, cost=Decimal("80"))
    assert given.compensation.status == CompensationStatus.GIVEN and given.certificate is None


def test_a_rejection_is_recorded_with_its_reason(cast, ana):
    gift = item(cast, CompensationKind.SMALL_GIFT)
    pending = compensation_propose(customer=ana, actor=cast.teammate, item=gift, cost=Decimal("90"))
    compensation_reject(compensation=pending.compensation, actor=cast.manager, reason="Too much")
    pending.compensation.refresh_from_db()
    assert pending.compensation.status == CompensationStatus.REJECTED
    event = Event.objects.get(kind="compensation.rejected")
    assert event.new == {"status": "rejected", "reason": "Too much"}


def test_viewers_and_outsiders_propose_nothing(cast, ana):
    gift = item(cast, CompensationKind.SMALL_GIFT)
    for actor in (cast.viewer, cast.outsider):
        with pytest.raises(NotPermitted):
            compensation_propose(customer=ana, actor=actor, item=gift, cost=Decimal("5"))
    assert Compensation.objects.count() == 0


def test_a_reimbursement_needs_a_receipt_photo_of_an_accepted_type_and_size(cast, ana):
    refund = item(cast, CompensationKind.REIMBURSEMENT)
    propose = lambda receipt: compensation_propose(  # noqa: E731
        customer=ana, actor=cast.teammate, item=refund, cost=Decimal("12.50"), receipt=receipt
    )
    with pytest.raises(CompensationError, match="receipt"):
        propose(None)
    with pytest.raises(CompensationError, match="JPEG, PNG or PDF"):
        propose(SimpleUploadedFile("r.png", b"<script>", content_type="image/png"))
    with pytest.raises(CompensationError, match="5 MB"):
        propose(SimpleUploadedFile("r.png", PNG + b"\0" * (5 * 1024 * 1024)))
    given = propose(SimpleUploadedFile("../../evil.php", PNG, content_type="image/png"))
    name = given.compensation.receipt.name
    assert name.startswith(f"rewards/{cast.shop.pk}/receipts/") and name.endswith(".png")
    assert Compensation.objects.count() == 1


def test_the_catalogue_is_edited_by_a_manager_only(cast):
    gift = item(cast, CompensationKind.SMALL_GIFT)
    with pytest.raises(NotPermitted):
        catalogue_item_update(
            item=gift, actor=cast.teammate, name="Mug", default_cost=Decimal(9), active=True
        )
    catalogue_item_update(
        item=gift, actor=cast.manager, name="Mug", default_cost=Decimal(9), active=True
    )
    assert Event.objects.get(kind="catalogue.changed").new == {"name": "Mug", "default_cost": "9"}


def test_the_ledger_totals_what_was_given_per_month_kind_and_currency(cast, ana, given):
    gift = item(cast, CompensationKind.SMALL_GIFT)
    compensation_propose(customer=ana, actor=cast.teammate, item=gift, cost=Decimal("5.50"))
    compensation_propose(
        customer=ana, actor=cast.teammate, item=gift, cost=Decimal("99")
    )  # pending
    totals = {(t.kind, t.currency): (t.count, t.cost) for t in ledger_totals(cast.shop)}
    assert totals == {
        ("gift_certificate", "RON"): (1, Decimal("20.00")),
        ("small_gift", "RON"): (1, Decimal("5.50")),
    }
    assert {
        t.month.replace(day=1) if isinstance(t.month, date) else t.month
        for t in ledger_totals(cast.shop)
    }
