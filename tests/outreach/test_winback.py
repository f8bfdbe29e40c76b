from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from clientela.customers.models import ConsentChannel, ConsentPurpose
from clientela.customers.services import consent_grant
from clientela.mail.models import Outbox, SuppressedAddress
from clientela.mail.send import envelope_for
from clientela.mail.verp import unsubscribe_url
from clientela.outreach.models import AutomationRecipient, MessageTemplate
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.templates import template_save
from clientela.outreach.services.winback import WinbackResult, winback_sweep
from tests.outreach.conftest import days_ago

MIGRATION = import_module(
    "clientela.outreach.migrations.0013_win_back_texts_without_own_unsubscribe"
)


def _enable(cast, **extra) -> None:  # type: ignore[no-untyped-def]
    values = {"win_back_enabled": True, "win_back_holdout_percent": 0, **extra}
    automations_update(workspace=cast.shop, actor=cast.owner, **values)


def test_only_slipping_consenting_unsuppressed_customers_get_one_message(cast, build) -> None:  # type: ignore[no-untyped-def]
    _enable(cast)
    slipping = build.customer(cast.shop, "slip@example.com", first="Ion")
    overdue = build.customer(cast.shop, "late@example.com")
    active = build.customer(cast.shop, "fine@example.com")
    silent = build.customer(cast.shop, "silent@example.com", consent=False)
    blocked = build.customer(cast.shop, "blocked@example.com")
    win_back_only = build.customer(cast.shop, "wb@example.com", consent=False)
    consent_grant(
        customer=win_back_only,
        purpose=ConsentPurpose.WIN_BACK,
        channel=ConsentChannel.EMAIL,
        source="test",
        ip=None,
        actor=None,
    )
    SuppressedAddress.objects.create(
        workspace=cast.shop, address="blocked@example.com", reason="hard_bounce"
    )
    for customer, p_alive, overdue_ratio in [
        (slipping, 0.1, 1.0),
        (overdue, 0.8, 2.5),
        (active, 0.9, 1.0),
        (silent, 0.1, 3.0),
        (blocked, 0.1, 3.0),
        (win_back_only, 0.2, 1.0),
    ]:
        build.order(customer, at=days_ago(200))
        build.score(customer, p_alive=p_alive, overdue=overdue_ratio)

    result = winback_sweep(workspace=cast.shop, now=timezone.now())

    assert result == WinbackResult(queued=3, held_out=0, cancelled=0)
    rows = Outbox.objects.filter(source_type="win_back").order_by("pk")
    assert [r.to_address for r in rows] == [
        "slip@example.com",
        "late@example.com",
        "wb@example.com",
    ]
    first = rows[0]
    assert (first.kind, first.status) == ("marketing", "queued")
    assert first.dedup_key == f"win_back:{slipping.pk}:{days_ago(200).date().isoformat()}"
    assert first.body_text.startswith("Dragă Ion,")
    assert "{{" not in first.body_text and first.body_text.endswith(
        "Vă așteptăm cu drag,\nAlice's Shop"
    )
    # Nothing more on a second run: one message per lapse.
    assert winback_sweep(workspace=cast.shop, now=timezone.now()) == WinbackResult(0, 0, 0)


def test_after_buying_again_a_new_lapse_waits_for_the_cooldown(cast, build) -> None:  # type: ignore[no-untyped-def]
    _enable(cast, win_back_cooldown_days=90)
    customer = build.customer(cast.shop, "slip@example.com")
    build.order(customer, at=days_ago(300))
    build.score(customer, p_alive=0.1)
    winback_sweep(workspace=cast.shop, now=timezone.now())
    assert Outbox.objects.filter(source_type="win_back").count() == 1

    build.order(customer, at=timezone.now() + timedelta(seconds=1))  # came back
    assert winback_sweep(workspace=cast.shop, now=timezone.now()).cancelled == 1
    assert Outbox.objects.get(source_type="win_back").status == "cancelled"
    # Within the cool-down: nothing, although they count as slipping again.
    assert winback_sweep(workspace=cast.shop, now=timezone.now()).queued == 0
    # After it: a new lapse, a new message.
    later = timezone.now() + timedelta(days=91)
    assert winback_sweep(workspace=cast.shop, now=later).queued == 1
    assert Outbox.objects.filter(source_type="win_back").count() == 2


def test_disabled_win_back_queues_nothing(cast, build) -> None:  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "slip@example.com")
    build.order(customer, at=days_ago(300))
    build.score(customer, p_alive=0.1)
    assert winback_sweep(workspace=cast.shop, now=timezone.now()) == WinbackResult(0, 0, 0)
    assert Outbox.objects.count() == 0 and AutomationRecipient.objects.count() == 0


def test_holdout_gets_no_message_but_is_recorded(cast, build) -> None:  # type: ignore[no-untyped-def]
    _enable(cast, win_back_holdout_percent=50)
    for i in range(30):
        customer = build.customer(cast.shop, f"s{i}@example.com")
        build.order(customer, at=days_ago(300))
        build.score(customer, p_alive=0.1)
    result = winback_sweep(workspace=cast.shop, now=timezone.now())
    assert result.queued + result.held_out == 30 and 3 < result.held_out < 27
    assert Outbox.objects.count() == result.queued
    assert AutomationRecipient.objects.filter(group="holdout", outbox_id=None).count() == (
        result.held_out
    )


def test_a_win_back_has_one_unsubscribe_link_in_each_part(cast, build, sink) -> None:  # type: ignore[no-untyped-def]
    _enable(cast)
    for language, address in (("ro", "ion@example.com"), ("en", "john@example.com")):
        customer = build.customer(cast.shop, address, first="Ion", language=language)
        build.order(customer, at=days_ago(200))
        build.score(customer, p_alive=0.1, overdue=1.0)
    winback_sweep(workspace=cast.shop, now=timezone.now())

    rows = Outbox.objects.filter(source_type="win_back").order_by("pk")
    assert [row.language for row in rows] == ["ro", "en"]
    for row in rows:
        envelope = envelope_for(row, "Alice's Shop", "shop@alice.example")
        message = message_from_bytes(envelope.data, policy=policy.default)
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        link = unsubscribe_url(row.pk)
        assert (text.count(link), html.count(link)) == (1, 1), row.language
        word = "Dezabonare" if row.language == "ro" else "Unsubscribe"
        assert text.count(word) == 1, row.language


def test_stored_win_back_texts_lose_the_line_only_where_they_are_the_old_default(cast) -> None:  # type: ignore[no-untyped-def]
    old_ro, old_en = MIGRATION.OLD["ro"], MIGRATION.OLD["en"]
    kept = old_en.replace("We hope to see you soon", "See you soon")
    for language, name, text in (("ro", "Implicit", old_ro), ("en", "Own", kept)):
        template_save(
            workspace=cast.shop,
            actor=cast.owner,
            name=name,
            purpose="win_back",
            language=language,
            subject="Hello",
            body_text=text,
            body_html="",
        )

    MIGRATION.forwards(django_apps, None)

    texts = dict(MessageTemplate.objects.values_list("language", "body_text"))
    assert texts == {"ro": old_ro.removesuffix(MIGRATION._LINE), "en": kept}
