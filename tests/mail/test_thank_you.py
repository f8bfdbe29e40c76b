"""A thank-you letter a week after a purchase: once per customer per week, never for history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from clientela.commerce.models import Order, OrderStatus
from clientela.commerce.services import order_create
from clientela.customers.models import Consent, ConsentChannel, ConsentPurpose
from clientela.customers.services import customer_create
from clientela.mail.models import Outbox, OutboxKind, OutboxStatus, SuppressionReason
from clientela.mail.send import outbox_send_batch
from clientela.mail.services import suppression_add
from clientela.mail.smtp import Relay
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import MessageTemplate
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.templates import template_save, templates_ensure_defaults
from clientela.outreach.services.thank_you import thank_you_schedule

pytestmark = pytest.mark.django_db


def customer(cast, email="ana@example.ro", **extra):
    values = {"first_name": "Ana", "last_name": "Pop", "language": "ro", **extra}
    return customer_create(workspace=cast.shop, actor=cast.owner, email=email, **values)


def order(cast, buyer, *, days_ago: float, status=OrderStatus.PLACED):
    return order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=buyer,
        placed_at=timezone.now() - timedelta(days=days_ago),
        total=Decimal("120.00"),
        status=status,
    )


def test_a_new_order_schedules_one_letter_a_week_after_it_in_the_customers_language(cast):
    ana = customer(cast)
    placed = order(cast, ana, days_ago=2)

    [row] = Outbox.objects.all()
    assert (row.workspace, row.customer, row.to_address) == (cast.shop, ana, "ana@example.ro")
    assert (row.kind, row.status, row.source_type, row.source_id) == (
        OutboxKind.TRANSACTIONAL,
        OutboxStatus.QUEUED,
        "thank_you",
        placed.pk,
    )
    assert row.not_before == placed.placed_at + timedelta(days=7)
    assert row.next_attempt_at == row.not_before
    # No template edited: the shipped default, plain text only.
    assert row.subject == "Mulțumim, Ana!"
    assert row.body_text.startswith(
        "Dragă Ana,\n\nVă mulțumim pentru cumpărătura de săptămâna trecută și pentru că ați "
        "ales Alice's Shop."
    )
    assert (row.body_html, row.language) == ("", "ro")
    year, week, _ = placed.placed_at.astimezone(timezone.get_current_timezone()).isocalendar()
    assert row.dedup_key == f"thank_you:{ana.pk}:{year}-W{week:02d}"


def test_an_english_customer_gets_the_english_letter(cast):
    order(cast, customer(cast, language="en"), days_ago=0)

    assert Outbox.objects.get().subject == "Thank you, Ana!"


def test_several_orders_in_a_week_and_repeated_imports_give_one_letter(cast):
    ana = customer(cast)
    first = order(cast, ana, days_ago=0)
    second = order(cast, ana, days_ago=0)

    assert thank_you_schedule(cast.shop, [first.pk, second.pk]) == 0
    assert Outbox.objects.count() == 1
    assert Outbox.objects.get().source_id == first.pk


@pytest.mark.parametrize(
    "setup",
    ["history", "cancelled", "withdrawn", "suppressed", "no_email", "disabled"],
)
def test_no_letter_for_history_cancelled_orders_objections_or_suppressed_addresses(cast, setup):
    ana = customer(cast, email="" if setup == "no_email" else "ana@example.ro")
    if setup == "withdrawn":
        Consent.objects.create(
            workspace=cast.shop,
            customer=ana,
            purpose=ConsentPurpose.THANK_YOU,
            channel=ConsentChannel.EMAIL,
            source="test",
            withdrawn_at=timezone.now(),
        )
    if setup == "suppressed":
        suppression_add(
            workspace=cast.shop, address="ana@example.ro", reason=SuppressionReason.UNSUBSCRIBE
        )
    if setup == "disabled":
        from clientela.mail.models import DeliverySettings

        DeliverySettings.objects.create(workspace=cast.shop, thank_you_enabled=False)

    order(
        cast,
        ana,
        days_ago=8 if setup == "history" else 1,
        status=OrderStatus.CANCELLED if setup == "cancelled" else OrderStatus.PLACED,
    )

    assert not Outbox.objects.exists()


def test_the_delay_is_a_workspace_setting(cast):
    from clientela.mail.models import DeliverySettings

    DeliverySettings.objects.create(workspace=cast.shop, thank_you_delay_days=3)
    placed = order(cast, customer(cast), days_ago=2)

    assert Outbox.objects.get().not_before == placed.placed_at + timedelta(days=3)
    # An order four days old is already history for a three-day delay.
    order(cast, customer(cast, email="bob@example.ro"), days_ago=4)
    assert Outbox.objects.count() == 1


def edit_thank_you(cast, language: str, **values) -> None:
    templates_ensure_defaults(workspace=cast.shop)
    own = MessageTemplate.objects.get(workspace=cast.shop, purpose="thank_you", language=language)
    template_save(workspace=cast.shop, actor=cast.owner, template=own, **values)


@pytest.mark.django_db(transaction=True)
def test_the_letter_is_the_workspaces_edited_template_in_the_customers_language(cast, sink):
    # No holdout: the draw, made as each order is placed, would otherwise hold one out.
    automations_update(workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=0)
    edit_thank_you(
        cast,
        "en",
        subject="{{ shop.name }} thanks you, {{ customer.first_name }}",
        body_text="Dear {{ customer.first_name }}, order {{ order.external_id }} made our day.",
        body_html="<p>Order {{ order.external_id }} made our day, {{ customer.first_name }}.</p>",
    )
    ana = customer(cast, language="en")
    ion = customer(cast, email="ion@example.ro", first_name="Ion")  # Romanian: not edited
    placed = order(cast, ana, days_ago=0)
    order(cast, ion, days_ago=0)

    english, romanian = Outbox.objects.order_by("customer_id")
    assert english.subject == "Alice's Shop thanks you, Ana"
    assert english.body_text == f"Dear Ana, order #{placed.pk} made our day."
    assert romanian.subject == "Mulțumim, Ion!"

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        relay = Relay.from_settings()
        try:
            report = outbox_send_batch(relay=relay, worker_id="test", limit=10)
        finally:
            relay.close()
    assert (report.sent, len(sink.received)) == (2, 2)
    sent = {got.recipients[0]: got.message for got in sink.received}
    mail = sent["ana@example.ro"]
    assert mail["Subject"] == "Alice's Shop thanks you, Ana"
    # The letter, then the shop's footer with the opt-out link of this very message.
    opt_out = unsubscribe_url(english.pk)
    assert mail.get_body(("plain",)).get_content().splitlines() == [
        f"Dear Ana, order #{placed.pk} made our day.",
        "",
        "-- ",
        "Alice's Shop",
        f"Unsubscribe: {opt_out}",
    ]
    html = mail.get_body(("html",)).get_content()
    assert f"Order #{placed.pk} made our day, Ana.</p>" in html
    assert f'href="{opt_out}"' in html and html.lstrip().startswith("<!DOCTYPE html>")
    assert sent["ion@example.ro"]["Subject"] == "Mulțumim, Ion!"


def test_an_edit_applies_to_orders_placed_after_it(cast):
    ana = customer(cast)
    order(cast, ana, days_ago=10)  # history: no letter
    edit_thank_you(cast, "ro", subject="Mulțumim din suflet, {{ customer.first_name }}")
    order(cast, ana, days_ago=0)
    edit_thank_you(cast, "ro", subject="Altă versiune")

    assert list(Outbox.objects.values_list("subject", flat=True)) == ["Mulțumim din suflet, Ana"]


def test_a_template_that_no_longer_renders_falls_back_to_the_default(cast):
    # Saved past today's validation (e.g. before a variable was renamed): the order still
    # commits, and its letter is the shipped default.
    templates_ensure_defaults(workspace=cast.shop)
    MessageTemplate.objects.filter(purpose="thank_you", language="ro").update(
        subject="{{ customer.nickname }}"
    )
    placed = order(cast, customer(cast), days_ago=0)

    assert Order.objects.filter(pk=placed.pk).exists()
    assert Outbox.objects.get().subject == "Mulțumim, Ana!"
