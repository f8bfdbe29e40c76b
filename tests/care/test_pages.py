"""The complaint pages: who sees them, and what their forms do."""

from __future__ import annotations

from typing import Any

import pytest

from clientela.care.models import Case, CaseRating, CaseStatus, CaseStep
from clientela.care.services.rating import rating_links
from clientela.mail.models import Outbox
from tests.care.objects import care_case
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def test_an_agent_opens_a_complaint_for_a_known_client(
    cast: Any, shop: Any, client_for: Any
) -> None:
    client = client_for(cast.teammate)
    response = post(
        client,
        "/w/alice/care/new/",
        {
            "customer_email": "IOANA@example.com",
            "subject": "Ceaiul a venit umed",
            "complaint": "Punga de ceai a venit udă.",
            "channel": "phone",
            "category": "delivery",
            "severity": "high",
            "order_number": shop.order.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/w/alice/care/{case.pk}/"
    assert (case.customer_id, case.order_id, case.channel, case.severity) == (
        shop.customer.pk,
        shop.order.pk,
        "phone",
        "high",
    )
    page = client.get(f"/w/alice/care/{case.pk}/")
    assert page.status_code == 200
    assert "Ceaiul a venit umed" in page.content.decode()


def test_the_new_complaint_form_explains_each_refusal(
    cast: Any, shop: Any, client_for: Any
) -> None:
    client = client_for(cast.teammate)
    response = post(
        client,
        "/w/alice/care/new/",
        {
            "customer_email": "ioana@example.com",
            "subject": "",
            "complaint": "x" * 20_001,
            "channel": "fax",
            "category": "delivery",
            "severity": "high",
            "order_number": 999_999,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"subject", "complaint", "channel"}
    assert not Case.objects.exists()


def test_viewers_and_strangers_do_not_reach_a_case(cast: Any, client_for: Any) -> None:
    case = care_case(cast)
    assert client_for(cast.viewer).get(f"/w/alice/care/{case.pk}/").status_code == 403
    assert client_for(cast.outsider).get(f"/w/alice/care/{case.pk}/").status_code == 404
    # The outsider's own workspace does not hold the shop's case either.
    assert client_for(cast.outsider).get(f"/w/charlie/care/{case.pk}/").status_code == 404


def test_sending_a_step_from_the_page_queues_the_edited_text(cast: Any, client_for: Any) -> None:
    case = care_case(cast)
    client = client_for(cast.teammate)
    response = post(
        client, f"/w/alice/care/{case.pk}/send/", {"key": "apology", "text": "Ne pare rău, Irina."}
    )
    assert response.status_code == 302
    assert Outbox.objects.get(source_id=case.pk).body_text == "Ne pare rău, Irina."
    assert CaseStep.objects.get(case=case, key="apology").done_at is not None


def test_resolving_without_thanks_says_why_on_the_page(cast: Any, client_for: Any) -> None:
    case = care_case(cast)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SOLUTION_PROPOSED)
    client = client_for(cast.teammate)
    response = post(client, f"/w/alice/care/{case.pk}/status/", {"status": "resolved"}, follow=True)
    assert "Thank the client first" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SOLUTION_PROPOSED


def test_the_rating_page_writes_only_on_its_button_and_only_once(cast: Any, client) -> None:  # type: ignore[no-untyped-def]
    case = care_case(cast)
    url = rating_links(case)[4][1].removeprefix("http://127.0.0.1:8000")
    page = client.get(url)
    assert page.status_code == 200
    assert CaseRating.objects.get().rated_at is None  # a link scanner's GET rates nothing
    assert 'value="5" checked' in page.content.decode()
    assert client.post(url, {"score": "5"}).status_code == 200
    again = client.post(url, {"score": "1"})
    assert "deja folosit" in again.content.decode()  # the page speaks the client's language
    assert CaseRating.objects.get().score == 5
    assert client.get(url.replace("/5/", "/9/")).status_code == 404
    assert client.get("/rate/forged.token/5/").status_code == 404


def test_the_report_and_lessons_pages_render_with_data(cast: Any, client_for: Any) -> None:
    case = care_case(cast)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.NOT_RESOLVED)
    client = client_for(cast.manager)
    post(
        client,
        f"/w/alice/care/{case.pk}/review/",
        {"what_went_wrong": "Ambalaj slab", "lesson": "Cutie dublă", "change": "De luni"},
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEWED
    assert "Cutie dublă" in client.get("/w/alice/care/lessons/?q=dublă").content.decode()
    report = client.get("/w/alice/care/report/")
    assert report.status_code == 200
    response = post(client, "/w/alice/care/report/", {"complainer_threshold": "70"})
    assert response.status_code == 302
    agent = client_for(cast.teammate)
    assert post(agent, "/w/alice/care/report/", {"complainer_threshold": "20"}).status_code == 403


def test_saving_a_draft_shows_what_the_playbook_advises_against(cast: Any, client_for: Any) -> None:
    case = care_case(cast)
    Case.objects.filter(pk=case.pk).update(handling="facts")
    client = client_for(cast.teammate)
    text = "Ne pare rău, dar curierul a întârziat."
    response = post(
        client, f"/w/alice/care/{case.pk}/send/", {"key": "apology", "text": text, "check": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#step-apology")
    assert CaseStep.objects.get(case=case, key="apology").draft == text
    assert not Outbox.objects.exists()  # saved and checked, not sent
    page = client.get(f"/w/alice/care/{case.pk}/").content.decode()
    assert "<q>Ne pare rău</q>: An apology." in page
    assert "<q>curierul a întârziat</q>: An excuse" in page
