"""The thank-you's route, decided when the order is placed, and the letters written by hand."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clientela.accounts.policy import PermissionDenied
from clientela.commerce.models import Order
from clientela.commerce.services import order_create
from clientela.customers.models import ConsentChannel, ConsentPurpose, Customer
from clientela.customers.services import consent_grant, consent_withdraw
from clientela.mail.models import Outbox
from clientela.outreach.models import AutomationRecipient, HandwrittenLetter
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.letters import (
    LetterAlreadyDone,
    RouteReason,
    letter_done,
    route_counts,
    route_decide,
)
from clientela.outreach.tasks import content_sweep
from clientela.timeline.models import Event

ADDRESS = {"address_line": "Str. Țesătorilor 3", "city": "Brașov", "postal_code": "500123"}


def _settings(cast: Any, *, threshold: int = 30, holdout: int = 0) -> None:
    automations_update(
        workspace=cast.shop,
        actor=cast.owner,
        thank_you_holdout_percent=holdout,
        handwritten_threshold=threshold,
    )


def _buy(cast: Any, customer: Customer, *, days_ago: float = 1) -> Order:
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal("80.00"),
    )


def _route_event(order: Order) -> Event:
    [event] = Event.objects.filter(subject_type="order", subject_id=order.pk).exclude(
        kind="order.created"
    )
    return event


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"has_address": False}, ("email", "no_address")),
        ({"has_address": False, "most_valuable": True}, ("email", "no_address")),
        ({"post_allowed": False}, ("email", "no_post")),
        ({"letters_planned": 29}, ("letter", "few_letters")),
        ({"letters_planned": 30}, ("email", "week_full")),
        ({"letters_planned": 30, "most_valuable": True}, ("letter", "most_valuable")),
        ({"threshold": 0}, ("email", "week_full")),
    ],
)
def test_the_rule_in_one_function(facts: dict[str, Any], expected: tuple[str, str]) -> None:
    base = {
        "has_address": True,
        "post_allowed": True,
        "letters_planned": 0,
        "threshold": 30,
        "most_valuable": False,
    }
    route, reason = route_decide(**{**base, **facts})
    assert (route.value, reason.value) == expected


def test_an_order_with_a_postal_address_is_routed_to_a_letter_as_it_is_placed(
    cast: Any, build: Any
) -> None:
    _settings(cast)
    ana = build.customer(cast.shop, "ana@example.com", first="Ștefana", **ADDRESS)

    order = _buy(cast, ana)

    # At once, not after a sweep: the e-mail is cancelled and the letter is there.
    row = Outbox.objects.get(source_type="thank_you")
    assert row.status == "cancelled"
    letter = HandwrittenLetter.objects.get()
    assert (letter.customer, letter.order, letter.outbox_id) == (ana, order, row.pk)
    assert letter.draft_text.startswith("Dragă Ștefana,\n\nVă mulțumim că ați ales Alice's Shop")
    assert "răspunde" not in letter.draft_text and "reply" not in letter.draft_text
    decision = AutomationRecipient.objects.get()
    assert (decision.group, decision.route, decision.reason) == ("sent", "letter", "few_letters")
    event = _route_event(order)
    assert (event.kind, event.customer, event.new) == (
        "thank_you.letter_few",
        ana,
        {"route": "letter", "reason": "few_letters", "holdout": False},
    )
    # Never both: the hourly sweep leaves the decision alone, and no e-mail is left queued.
    content_sweep(now=timezone.now() + timedelta(days=8))
    assert not Outbox.objects.filter(source_type="thank_you", status="queued").exists()
    assert HandwrittenLetter.objects.count() == 1


def test_a_customer_without_a_postal_address_gets_the_email_with_the_reason(
    cast: Any, build: Any
) -> None:
    _settings(cast)
    ion = build.customer(cast.shop, "ion@example.com", first="Ion")

    order = _buy(cast, ion)

    assert Outbox.objects.get(source_type="thank_you").status == "queued"
    assert not HandwrittenLetter.objects.exists()
    assert _route_event(order).kind == "thank_you.email_no_address"
    counts = route_counts(cast.shop, since=timezone.now() - timedelta(days=7))
    assert (counts["letter"], counts["email"], counts[RouteReason.NO_ADDRESS]) == (0, 1, 1)


def test_a_customer_who_objected_to_letters_gets_the_email(cast: Any, build: Any) -> None:
    _settings(cast)
    dan = build.customer(cast.shop, "dan@example.com", first="Dan", **ADDRESS)
    for change in (consent_grant, consent_withdraw):
        extra = {"source": "test", "ip": None} if change is consent_grant else {}
        change(
            customer=dan,
            purpose=ConsentPurpose.THANK_YOU,
            channel=ConsentChannel.POST,
            actor=None,
            **extra,
        )

    order = _buy(cast, dan)

    assert Outbox.objects.get(source_type="thank_you").status == "queued"
    assert _route_event(order).kind == "thank_you.email_no_post"


def test_the_threshold_counts_the_letters_of_the_last_7_days_except_for_the_most_valuable(
    cast: Any, build: Any
) -> None:
    _settings(cast, threshold=2)
    customers = [
        build.customer(cast.shop, f"c{i}@example.com", first=f"C{i}", **ADDRESS) for i in range(5)
    ]
    for i, customer in enumerate(customers):
        build.score(customer, clv=1000.0 if i == 3 else float(i))

    orders = [_buy(cast, customer) for customer in customers]

    kinds = [_route_event(order).kind for order in orders]
    assert kinds == [
        "thank_you.letter_few",
        "thank_you.letter_few",
        "thank_you.email_week_full",
        "thank_you.letter_valuable",
        "thank_you.email_week_full",
    ]
    routed = dict(
        Outbox.objects.filter(source_type="thank_you").values_list("customer_id", "status")
    )
    assert [routed[c.pk] for c in customers] == [
        "cancelled",
        "cancelled",
        "queued",
        "cancelled",
        "queued",
    ]
    assert HandwrittenLetter.objects.count() == 3
    # Letters planned more than 7 days ago no longer count: the next order is written again.
    HandwrittenLetter.objects.update(created_at=timezone.now() - timedelta(days=8))
    late = build.customer(cast.shop, "late@example.com", first="Late", **ADDRESS)
    assert _route_event(_buy(cast, late)).kind == "thank_you.letter_few"


def test_a_second_order_in_the_week_gets_neither_an_email_nor_a_second_letter(
    cast: Any, build: Any
) -> None:
    _settings(cast)
    ana = build.customer(cast.shop, "ana@example.com", **ADDRESS)
    _buy(cast, ana, days_ago=0)
    _buy(cast, ana, days_ago=0)

    assert list(Outbox.objects.values_list("status", flat=True)) == ["cancelled"]
    assert HandwrittenLetter.objects.count() == 1


def test_the_holdout_keeps_the_route_it_would_have_taken(cast: Any, build: Any) -> None:
    _settings(cast, threshold=1000, holdout=50)
    for i in range(30):
        fields = ADDRESS if i % 2 else {}
        _buy(cast, build.customer(cast.shop, f"h{i}@example.com", first=f"H{i}", **fields))

    held = AutomationRecipient.objects.filter(group="holdout")
    assert 3 < held.count() < 27
    assert set(held.values_list("route", flat=True)) == {"letter", "email"}
    held_orders = {int(key.split(":")[1]) for key in held.values_list("key", flat=True)}
    cancelled = Outbox.objects.filter(status="cancelled").values_list("source_id", flat=True)
    letters = set(HandwrittenLetter.objects.values_list("order_id", flat=True))
    # Held out: cancelled, no letter; a letter's row is cancelled too; nothing is both.
    assert held_orders | letters == set(cancelled)
    assert not held_orders & letters
    assert Event.objects.filter(kind="thank_you.held_out").count() == len(held_orders)
    sent_letters = AutomationRecipient.objects.filter(group="sent", route="letter").count()
    assert sent_letters == len(letters) > 0


def test_written_and_posted_is_recorded_once_by_a_member_who_may(cast: Any, build: Any) -> None:
    _settings(cast)
    ana = build.customer(cast.shop, "ana@example.com", **ADDRESS)
    order = _buy(cast, ana)
    letter = HandwrittenLetter.objects.get()

    with pytest.raises(PermissionDenied):
        letter_done(letter=letter, actor=cast.viewer)
    with pytest.raises(PermissionDenied):
        letter_done(letter=letter, actor=cast.outsider)
    assert not Event.objects.filter(kind="letter.written").exists()

    letter = letter_done(letter=letter, actor=cast.teammate)

    assert (letter.status, letter.done_by) == ("done", cast.teammate)
    event = Event.objects.get(kind="letter.written")
    assert (event.customer, event.actor, event.old, event.new) == (
        ana,
        cast.teammate,
        {"status": "to_write"},
        {"status": "done", "order": order.pk},
    )
    with pytest.raises(LetterAlreadyDone):
        letter_done(letter=letter, actor=cast.owner)
    assert Event.objects.filter(kind="letter.written").count() == 1


def test_an_import_batch_of_scattered_ids_is_routed_once(cast: Any, build: Any) -> None:
    from clientela.outreach.services.letters import thank_you_route
    from clientela.outreach.services.thank_you import thank_you_schedule

    _settings(cast, threshold=1)
    orders = [
        Order.objects.create(  # written without the signal, as an import's batch would be
            workspace=cast.shop,
            customer=build.customer(cast.shop, f"s{i}@example.com", first=f"S{i}", **ADDRESS),
            placed_at=timezone.now() - timedelta(days=1),
            total=Decimal("10.00"),
        )
        for i in range(3)
    ]
    batch = [orders[0].pk, orders[2].pk]  # not one run of consecutive ids
    assert thank_you_schedule(cast.shop, batch) == 2

    assert thank_you_route(workspace=cast.shop, order_ids=batch) == {
        "letter": 1,
        "email": 1,
        "holdout": 0,
    }
    assert thank_you_route(workspace=cast.shop, order_ids=batch) == {
        "letter": 0,
        "email": 0,
        "holdout": 0,
    }
    assert set(HandwrittenLetter.objects.values_list("order_id", flat=True)) == {orders[0].pk}
