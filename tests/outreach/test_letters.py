from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.mail.models import Outbox
from clientela.outreach.models import AutomationRecipient, HandwrittenLetter
from clientela.outreach.services.automations import automations_update
from clientela.outreach.services.letters import (
    LetterAlreadyDone,
    letter_done,
    letters_pdf,
    letters_sweep,
)
from clientela.timeline.models import Event
from tests.outreach.conftest import days_ago


def _no_holdout(cast) -> None:  # type: ignore[no-untyped-def]
    automations_update(workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=0)


def test_few_letters_due_go_by_hand_in_one_step(cast, build) -> None:  # type: ignore[no-untyped-def]
    _no_holdout(cast)
    customer = build.customer(cast.shop, "ana@example.com")
    order = build.order(customer, at=days_ago(5))
    row = build.thank_you_row(order, due=timezone.now() + timedelta(days=2))
    late = build.thank_you_row(
        build.order(customer, at=days_ago(1)), due=timezone.now() + timedelta(days=8)
    )

    result = letters_sweep(workspace=cast.shop, now=timezone.now())

    assert (result.emailed, result.letters, result.held_out) == (0, 1, 0)
    row.refresh_from_db()
    late.refresh_from_db()
    assert (row.status, late.status) == ("cancelled", "queued")
    letter = HandwrittenLetter.objects.get()
    assert (letter.customer, letter.order, letter.outbox_id) == (customer, order, row.pk)
    assert letter.draft_text == "Dragă Ana, mulțumim!"
    assert letter.status == "to_write"
    # A second sweep decides nothing twice.
    assert letters_sweep(workspace=cast.shop, now=timezone.now()) == result.__class__(0, 0, 0)
    assert HandwrittenLetter.objects.count() == 1


def test_many_letters_are_emailed_except_to_the_most_valuable(cast, build) -> None:  # type: ignore[no-untyped-def]
    _no_holdout(cast)
    automations_update(workspace=cast.shop, actor=cast.owner, handwritten_threshold=3)
    rows = []
    for i in range(10):
        customer = build.customer(cast.shop, f"c{i}@example.com")
        build.score(customer, clv=1000.0 if i == 4 else float(i))
        rows.append(
            build.thank_you_row(
                build.order(customer, at=days_ago(6)), due=timezone.now() + timedelta(days=1)
            )
        )

    result = letters_sweep(workspace=cast.shop, now=timezone.now())

    assert (result.emailed, result.letters, result.held_out) == (9, 1, 0)
    assert list(Outbox.objects.filter(status="cancelled").values_list("pk", flat=True)) == [
        rows[4].pk
    ]
    assert HandwrittenLetter.objects.get().outbox_id == rows[4].pk
    assert AutomationRecipient.objects.filter(group="sent").count() == 10


def test_the_holdout_cancels_the_row_and_is_recorded(cast, build) -> None:  # type: ignore[no-untyped-def]
    automations_update(
        workspace=cast.shop, actor=cast.owner, thank_you_holdout_percent=50, handwritten_threshold=0
    )
    rows = [
        build.thank_you_row(
            build.order(build.customer(cast.shop, f"h{i}@example.com"), at=days_ago(6)),
            due=timezone.now(),
        )
        for i in range(40)
    ]
    result = letters_sweep(workspace=cast.shop, now=timezone.now())
    held = AutomationRecipient.objects.filter(group="holdout")
    assert result.held_out == held.count() and 5 < result.held_out < 35
    assert result.emailed == 40 - result.held_out
    cancelled = set(Outbox.objects.filter(status="cancelled").values_list("source_id", flat=True))
    assert cancelled == {int(k.split(":")[1]) for k in held.values_list("key", flat=True)}
    assert HandwrittenLetter.objects.count() == 0
    assert len(rows) == 40


def test_a_row_already_claimed_by_a_worker_is_left_alone(cast, build) -> None:  # type: ignore[no-untyped-def]
    _no_holdout(cast)
    row = build.thank_you_row(
        build.order(build.customer(cast.shop, "a@example.com"), at=days_ago(6)), due=timezone.now()
    )
    Outbox.objects.filter(pk=row.pk).update(status="sending")
    assert letters_sweep(workspace=cast.shop, now=timezone.now()).letters == 0
    assert HandwrittenLetter.objects.count() == 0


def test_marking_done_records_it_on_the_customer_once(cast, build) -> None:  # type: ignore[no-untyped-def]
    _no_holdout(cast)
    customer = build.customer(cast.shop, "ana@example.com")
    build.thank_you_row(build.order(customer, at=days_ago(6)), due=timezone.now())
    letters_sweep(workspace=cast.shop, now=timezone.now())
    letter = letter_done(letter=HandwrittenLetter.objects.get(), actor=cast.teammate)
    assert (letter.status, letter.done_by) == ("done", cast.teammate)
    event = Event.objects.get(kind="letter.written")
    assert (event.customer, event.actor, event.new) == (customer, cast.teammate, {"status": "done"})
    with pytest.raises(LetterAlreadyDone):
        letter_done(letter=letter, actor=cast.owner)
    assert Event.objects.filter(kind="letter.written").count() == 1


def test_the_pdf_has_a_page_per_letter_and_label_sheets(cast, build) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    _no_holdout(cast)
    automations_update(workspace=cast.shop, actor=cast.owner, handwritten_threshold=100)
    for i in range(26):
        customer = build.customer(
            cast.shop,
            f"l{i}@example.com",
            first="Ștefăniță",
            address_line="Str. Țesătorilor 3",
            city="Brașov",
        )
        build.thank_you_row(build.order(customer, at=days_ago(6)), due=timezone.now())
    letters_sweep(workspace=cast.shop, now=timezone.now())
    letters = list(HandwrittenLetter.objects.select_related("customer", "order").order_by("pk"))

    pdf = letters_pdf(workspace=cast.shop, letters=letters)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 26 + 2  # 26 letters, 24 labels a sheet
    assert "Dragă Ștefăniță, mulțumim!" in reader.pages[0].extract_text()
    assert "Str. Țesătorilor 3" in reader.pages[26].extract_text()
    assert "Brașov" in reader.pages[27].extract_text()
