"""The demo's front desk: messages waiting in the inbox, a chronic complainer's history, and
forwarding addresses for the regulars, written with the demo shop."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from clientela.care.models import Case, Handling
from clientela.care.services.cases import case_open
from clientela.demo.desk import FORWARDING_DOMAIN, HARSH, SUPPORT
from clientela.demo.loader import demo_shop_load
from clientela.forwarding.models import Alias
from clientela.inbox.models import Conversation, InboxSettings, Wait, WaitState

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(cast: Any, settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    demo_shop_load(
        workspace=cast.shop, actor=None, today=timezone.localdate(), seed=3, customers=400
    )


def test_the_desk_has_messages_waiting_and_addresses_for_the_regulars(
    cast: Any, loaded: None
) -> None:
    assert InboxSettings.objects.get(workspace=cast.shop).support_address == SUPPORT
    conversations = Conversation.objects.for_workspace(cast.shop)
    assert conversations.count() in (3, 4)  # the English one when the sample has an English regular
    waits = Wait.objects.for_workspace(cast.shop).filter(subject="conversation")
    assert waits.count() == conversations.count()
    assert set(waits.values_list("state", flat=True)) == {WaitState.WAITING}
    aliases = Alias.objects.for_workspace(cast.shop)
    assert aliases.count() == 3
    assert {a.domain.domain for a in aliases} == {FORWARDING_DOMAIN}


def test_the_complainers_new_message_becomes_a_fact_based_case(cast: Any, loaded: None) -> None:
    conversation = Conversation.objects.for_workspace(cast.shop).get(
        subject="Iar o comandă greșită"
    )
    customer = conversation.customer
    assert customer is not None
    assert Case.objects.for_workspace(cast.shop).filter(customer=customer).count() == 2
    case = case_open(
        workspace=cast.shop,
        actor=cast.teammate,
        customer=customer,
        subject=conversation.subject,
        complaint=HARSH,
        conversation=conversation,
    )
    assert case.handling == Handling.FACTS, case.complainer_reasons


def test_the_rewards_ledger_is_filled(cast: Any, loaded: None) -> None:
    from decimal import Decimal

    from clientela.rewards.models import Compensation, GiftCertificate

    rows = {c.kind: c for c in Compensation.objects.for_workspace(cast.shop)}
    assert set(rows) == {"gift_certificate", "reimbursement", "small_gift"}
    gift = rows["gift_certificate"]
    case = gift.case
    assert case is not None and case.customer_id == gift.customer_id
    assert (gift.status, case.status) == ("given", "resolved")
    certificate = GiftCertificate.objects.get(compensation=gift)
    assert (certificate.amount, certificate.balance) == (Decimal("50.00"), Decimal("31.50"))
    refund = rows["reimbursement"]
    assert refund.status == "given"
    with refund.receipt.open("rb") as photo:
        assert photo.read(8) == b"\x89PNG\r\n\x1a\n"
    pending = rows["small_gift"]
    assert pending.status == "pending" and pending.cost > pending.budget
