"""The outreach API: the same services as the pages, behind bearer tokens."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from clientela.accounts.models import Membership
from clientela.accounts.services import token_create
from clientela.mail.models import Outbox
from clientela.outreach.models import Campaign, HandwrittenLetter, MessageTemplate
from tests.outreach.conftest import days_ago


def _api(workspace, user):  # type: ignore[no-untyped-def]
    token = token_create(
        membership=Membership.objects.get(workspace=workspace, user=user), name="t"
    ).plaintext

    def call(method: str, path: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return Client().generic(method, f"/api/v1/outreach{path}", **kwargs)

    return call


CAMPAIGN = {
    "title": "Vara",
    "kind": "newsletter",
    "language": "ro",
    "subject": "Salut {{ customer.first_name }}",
    "body_text": "{{ campaign.intro }}",
    "intro": "Reduceri",
    "promotions": [{"name": "Ceai", "discount": "5%"}],
    "sales": [{"name": "Lichidare", "starts_on": "2026-06-01", "ends_on": "2026-06-07"}],
}


def test_campaign_lifecycle_over_the_api(cast, build) -> None:  # type: ignore[no-untyped-def]
    manager = _api(cast.shop, cast.manager)
    created = manager("POST", "/campaigns", CAMPAIGN)
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    audience = manager("GET", f"/campaigns/{campaign_id}/audience").json()
    assert audience["recipients"] == 0  # nobody consented: an empty audience
    sent = manager(
        "POST", f"/campaigns/{campaign_id}/transitions", {"action": "send", "confirm_count": 0}
    )
    assert sent.status_code == 200 and sent.json()["status"] == "sending"
    again = manager(
        "POST", f"/campaigns/{campaign_id}/transitions", {"action": "send", "confirm_count": 0}
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "Cannot send a campaign that is sending"}
    test = manager("POST", f"/campaigns/{campaign_id}/test")
    assert test.status_code == 202 and test.json()["to_address"] == "mihai@example.com"
    detail = manager("GET", f"/campaigns/{campaign_id}").json()
    assert detail["report"]["counts"]["queued"] == 0  # nobody consented: an empty audience
    # The uplift waits for its 30-day window of orders; the report says until when.
    started = Campaign.objects.get().started_at
    assert (detail["uplift"], detail["uplift_days"]) == (None, 30)
    ready_at = started + timedelta(days=30)
    # The API writes date-times to the millisecond.
    assert datetime.fromisoformat(detail["uplift_ready_at"]) == ready_at.replace(
        microsecond=ready_at.microsecond // 1000 * 1000
    )
    assert Outbox.objects.filter(source_type="campaign").count() == 0


def test_bad_input_is_a_422_on_the_field_and_writes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    owner = _api(cast.shop, cast.owner)
    bad = owner("POST", "/campaigns", {**CAMPAIGN, "body_text": "{{ campaign.titel }}"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "payload", "body_text"]
    assert bad.json()["detail"][0]["msg"] == "Unknown variable “campaign.titel” in body_text"
    template = owner(
        "POST",
        "/templates",
        {
            "name": "T",
            "purpose": "campaign",
            "language": "en",
            "subject": "Hi",
            "body_text": "{% load x %}",
        },
    )
    assert template.status_code == 422
    assert Campaign.objects.count() == 0 and MessageTemplate.objects.count() == 0


def test_viewers_read_but_cannot_write_and_outsiders_see_nothing(cast, build) -> None:  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "ana@example.com", first="Ana")
    letter = HandwrittenLetter.objects.create(
        workspace=cast.shop,
        customer=customer,
        order=build.order(customer, at=days_ago(2)),
        draft_text="Dragă Ana",
    )
    template = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="T",
        purpose="campaign",
        language="ro",
        subject="Hi",
        body_text="Salut {{ customer.first_name }}",
    )
    viewer = _api(cast.shop, cast.viewer)
    outsider = _api(cast.other_shop, cast.outsider)
    preview = viewer("GET", f"/templates/{template.pk}/preview?customer_id={customer.pk}")
    assert preview.json()["body_text"] == "Salut Ana"
    assert viewer("POST", f"/letters/{letter.pk}/done").status_code == 403
    assert viewer("PATCH", "/automations", {"win_back_enabled": True}).status_code == 403
    assert (
        outsider("GET", f"/templates/{template.pk}/preview?customer_id={customer.pk}").status_code
        == 404
    )
    assert outsider("POST", f"/letters/{letter.pk}/done").status_code == 404
    assert outsider("GET", "/letters").json()["items"] == []
    agent = _api(cast.shop, cast.teammate)
    assert agent("POST", f"/letters/{letter.pk}/done").json()["status"] == "done"
    assert agent("POST", f"/letters/{letter.pk}/done").status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"win_back_p_alive": "0.3"},
        {"win_back_enabled": 1},
        {"thank_you_delay_days": 400},
        {"uplift_days": 0},
        {"uplift_days": 366},
        {"nope": 1},
    ],
)
def test_automation_settings_refuse_loose_values(cast, body) -> None:  # type: ignore[no-untyped-def]
    assert _api(cast.shop, cast.owner)("PATCH", "/automations", body).status_code == 422


def test_automation_settings_change(cast) -> None:  # type: ignore[no-untyped-def]
    response = _api(cast.shop, cast.owner)(
        "PATCH",
        "/automations",
        {"win_back_p_alive": 0.2, "thank_you_delay_days": 3, "uplift_days": 45},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["win_back_p_alive"], body["thank_you_delay_days"]) == (0.2, 3)
    nothing = dict.fromkeys(
        (
            "queued",
            "paused",
            "sent",
            "delivered",
            "bounced",
            "failed",
            "stopped",
            "held_out",
            "handwritten",
            "holdout",
        ),
        0,
    )
    assert body["thank_you"] == {**nothing, "uplift": None, "uplift_ready_at": None}
    assert body["uplift_days"] == 45
