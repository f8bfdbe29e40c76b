"""Complaint cases: opening, the playbook, the statuses, reviews, messages and ratings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from clientela.accounts.policy import NotPermitted
from clientela.care import playbook
from clientela.care.models import Case, CaseStatus, CaseStep, Handling
from clientela.care.services import cases as services
from clientela.care.services.cases import CareError
from clientela.care.services.messages import case_message_send
from clientela.care.services.rating import rating_links, rating_lookup, rating_record
from clientela.customers.models import Customer
from clientela.inbox import signals as clock
from clientela.mail.models import Outbox, SuppressionReason
from clientela.mail.services import suppression_add
from clientela.textcheck import check
from clientela.timeline.models import Event
from tests.care.objects import care_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Any:
    """What the waiting clock hears from the care app: (signal name, kwargs)."""
    got: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for name in ("client_wrote", "client_answered", "waiting_for_client", "subject_closed"):

        def receiver(sender: Any, _name: str = name, **kwargs: Any) -> None:
            got.append((_name, kwargs))

        getattr(clock, name).connect(receiver, weak=False)
        receivers.append((name, receiver))
    yield got
    for name, receiver in receivers:
        getattr(clock, name).disconnect(receiver)


def thank_and_close(case: Case, actor: Any) -> None:
    services.step_mark(case=case, actor=actor, key="thank_you", done=True)
    services.case_resolve(case=case, actor=actor)


def test_opening_a_case_writes_its_steps_in_the_clients_language_and_starts_the_clock(
    cast: Any, heard: Any
) -> None:
    customer = Customer.objects.create(
        workspace=cast.shop, first_name="Ioana", email="ioana@example.com", language="ro"
    )
    case = care_case(cast, customer, subject="vaza spartă")
    assert case.handling == Handling.RECOVERY
    steps = list(CaseStep.objects.filter(case=case))
    assert [s.key for s in steps] == [s.key for s in playbook.RECOVERY]
    assert steps[0].draft.startswith("Dragă Ioana, vă mulțumim că ne-ați spus despre vaza spartă.")
    assert Event.objects.filter(kind="care.case_opened", subject_id=case.pk).count() == 1
    assert heard == [
        (
            "client_wrote",
            {
                "signal": clock.client_wrote,
                "workspace_id": cast.shop.pk,
                "subject": "case",
                "subject_id": case.pk,
                "customer_id": customer.pk,
                "channel": "email",
                "at": case.opened_at,
                "title": "vaza spartă",
                "url": f"/w/alice/care/{case.pk}/",
            },
        )
    ]


def test_a_case_is_resolved_only_after_the_client_was_thanked(cast: Any, heard: Any) -> None:
    case = care_case(cast)
    services.case_acknowledge(case=case, actor=cast.teammate)
    services.case_propose(case=case, actor=cast.teammate, solution="Trimitem altă vază.")
    with pytest.raises(CareError, match="thank-you step"):
        services.case_resolve(case=case, actor=cast.teammate)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SOLUTION_PROPOSED
    thank_and_close(case, cast.teammate)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    kinds = [name for name, _ in heard]
    assert kinds == ["client_wrote", "waiting_for_client", "subject_closed"]
    moves = Event.objects.filter(kind="care.case_status_changed", subject_id=case.pk)
    assert [(e.old, e.new) for e in moves.order_by("pk")] == [
        ({"status": "open"}, {"status": "acknowledged"}),
        ({"status": "acknowledged"}, {"status": "proposed"}),
        ({"status": "proposed"}, {"status": "resolved"}),
    ]


def test_a_case_not_resolved_needs_a_review_whose_lesson_can_be_found(cast: Any) -> None:
    case = care_case(cast)
    services.case_not_resolved(case=case, actor=cast.teammate)
    with pytest.raises(CareError, match="all three"):
        services.case_review(
            case=case, actor=cast.teammate, what_went_wrong="x", lesson=" ", change="y"
        )
    services.case_review(
        case=case,
        actor=cast.teammate,
        what_went_wrong="Curierul a spart vaza.",
        lesson="Vazele pleacă în cutie dublă.",
        change="Ambalaj nou de luni.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
    from clientela.care.selectors import lessons

    assert [r.case_id for r in lessons(cast.shop, query="cutie dublă")] == [case.pk]
    assert list(lessons(cast.shop, query="nimic de găsit")) == []


def test_moves_outside_the_diagram_are_refused(cast: Any) -> None:
    case = care_case(cast)
    services.step_mark(case=case, actor=cast.teammate, key="thank_you", done=True)
    with pytest.raises(CareError, match="cannot become"):
        services.case_resolve(case=case, actor=cast.teammate)
    with pytest.raises(CareError, match="once it is closed"):
        services.case_review(
            case=case, actor=cast.teammate, what_went_wrong="a", lesson="b", change="c"
        )


def test_only_members_who_may_can_act(cast: Any) -> None:
    customer = Customer.objects.create(workspace=cast.shop, email="x@example.com")
    with pytest.raises(NotPermitted):
        services.case_open(
            workspace=cast.shop, actor=cast.viewer, customer=customer, subject="a", complaint="b"
        )
    with pytest.raises(NotPermitted):
        services.case_open(
            workspace=cast.shop, actor=cast.outsider, customer=customer, subject="a", complaint="b"
        )
    case = care_case(cast, customer)
    with pytest.raises(NotPermitted):
        services.case_handling_set(
            case=case, actor=cast.teammate, handling="facts", reason="Reclamă des."
        )
    services.case_handling_set(
        case=case, actor=cast.manager, handling="facts", reason="Reclamă des."
    )
    row = Event.objects.get(kind="care.handling_changed", subject_id=case.pk)
    assert (row.old, row.new, row.summary) == (
        {"handling": "recovery"},
        {"handling": "facts"},
        "Reclamă des.",
    )
    assert list(CaseStep.objects.filter(case=case).values_list("key", flat=True)) == [
        s.key for s in playbook.FACTS
    ]


def test_a_case_cannot_link_another_workspaces_customer_or_order(cast: Any) -> None:
    stranger = Customer.objects.create(workspace=cast.other_shop, email="s@example.com")
    with pytest.raises(CareError):
        services.case_open(
            workspace=cast.shop, actor=cast.owner, customer=stranger, subject="a", complaint="b"
        )


def _past_case(cast: Any, customer: Customer, text: str, status: str) -> None:
    case = care_case(cast, customer, complaint=text)
    Case.objects.filter(pk=case.pk).update(
        status=status, opened_at=timezone.now() - timedelta(days=90)
    )


def test_a_chronic_complainers_case_is_handled_with_facts_and_no_apology(cast: Any) -> None:
    customer = Customer.objects.create(
        workspace=cast.shop, first_name="Dan", email="dan@example.com", language="ro"
    )
    harsh = (
        "Voi stricați mereu tot. Nu e vina mea, am respectat instrucțiunile. "
        "VREAU BANII ÎNAPOI imediat!!! " * 8
    )
    _past_case(cast, customer, harsh, CaseStatus.NOT_RESOLVED)
    _past_case(cast, customer, harsh, CaseStatus.NOT_RESOLVED)
    case = care_case(cast, customer, complaint=harsh)
    assert case.complainer_score >= 60, case.complainer_reasons
    assert case.handling == Handling.FACTS
    drafts = list(CaseStep.objects.filter(case=case).exclude(draft="").values_list("draft", "key"))
    assert {key for _, key in drafts} == {
        "restate",
        "concrete_offer",
        "ask_proposal",
        "thank_you",
        "positive_end",
    }
    for draft, key in drafts:
        assert not check(draft, language="ro").has("apology"), (key, draft)
    # The recovery drafts do apologise, in both languages.
    for language in ("ro", "en"):
        text = playbook.draft_text(
            Handling.RECOVERY, "apology", language=language, name="Dan", subject="x", shop="S"
        )
        assert check(text, language=language).has("apology")


def test_sending_a_step_message_queues_it_ticks_the_step_and_moves_the_case(
    cast: Any, heard: Any
) -> None:
    case = care_case(cast)
    case_message_send(case=case, actor=cast.teammate, key="compassion", text="Dragă Ioana, ...")
    row = Outbox.objects.get(source_type="care.case", source_id=case.pk)
    assert (row.to_address, row.subject, row.body_text, row.language) == (
        "irina@example.com",
        "Re: Vaza spartă",
        "Dragă Ioana, ...",
        "ro",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACKNOWLEDGED
    assert CaseStep.objects.get(case=case, key="compassion").done_at is not None
    case_message_send(case=case, actor=cast.teammate, key="solution", text="Vă trimitem altă vază.")
    case.refresh_from_db()
    assert (case.status, case.solution) == (CaseStatus.SOLUTION_PROPOSED, "Vă trimitem altă vază.")
    assert [n for n, _ in heard] == [
        "client_wrote",
        "client_answered",
        "client_answered",
        "waiting_for_client",
    ]


def test_the_closing_message_carries_rating_links_that_rate_once(cast: Any) -> None:
    case = care_case(cast)
    case_message_send(case=case, actor=cast.teammate, key="positive_end", text="Vă așteptăm!")
    body = Outbox.objects.get(source_type="care.case").body_text
    links = rating_links(case)
    assert body.startswith("Vă așteptăm!\n\nCum ne-am descurcat?")
    for score, url in links:
        assert f"{score}: {url}" in body
    token = links[0][1].split("/rate/")[1].split("/")[0]
    rating = rating_lookup(token)
    assert rating is not None and rating.case_id == case.pk
    assert rating_record(rating=rating, score=4) is True
    assert rating_record(rating=rating, score=1) is False
    rating.refresh_from_db()
    assert rating.score == 4
    assert rating_lookup(token[:-2] + "xx") is None
    assert rating_lookup("not-a-token") is None


def test_a_client_who_cannot_be_written_to_gets_no_message(cast: Any) -> None:
    case = care_case(cast)
    suppression_add(
        workspace=cast.shop, address="irina@example.com", reason=SuppressionReason.HARD_BOUNCE
    )
    with pytest.raises(CareError, match="cannot be written to"):
        case_message_send(case=case, actor=cast.teammate, key="compassion", text="Bună")
    assert not Outbox.objects.exists()
    assert CaseStep.objects.get(case=case, key="compassion").done_at is None
