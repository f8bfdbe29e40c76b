"""The outreach pages: what each role sees and may do, and that forms carry CSRF."""

from __future__ import annotations

import pytest

from clientela.mail.models import Outbox
from clientela.outreach.models import Campaign, HandwrittenLetter, MessageTemplate
from clientela.outreach.services.campaigns import campaign_save
from clientela.outreach.services.lists import mailing_list_create
from clientela.timeline.models import Event
from tests.outreach.conftest import days_ago
from tests.web.conftest import post


def _campaign(cast):  # type: ignore[no-untyped-def]
    return campaign_save(
        workspace=cast.shop,
        actor=cast.owner,
        title="Vara",
        kind="brochure",
        language="ro",
        subject="Vara la {{ shop.name }}",
        intro="Reduceri",
        promotions=[{"name": "Ceai", "description": "tei", "discount": "5%"}],
        body_text="Salut {{ customer.first_name }}",
        body_html="",
    )


@pytest.fixture
def things(cast, build):  # type: ignore[no-untyped-def]
    customer = build.customer(cast.shop, "ana@example.com", first="Ana", city="Brașov")
    order = build.order(customer, at=days_ago(3))
    letter = HandwrittenLetter.objects.create(
        workspace=cast.shop, customer=customer, order=order, draft_text="Dragă Ana, mulțumim!"
    )
    template = MessageTemplate.objects.create(
        workspace=cast.shop,
        name="T",
        purpose="campaign",
        language="ro",
        subject="Salut {{ customer.first_name }}",
        body_text="Text {{ shop.name }}",
    )
    mailing_list = mailing_list_create(workspace=cast.shop, actor=cast.owner, name="Noutăți")
    return {
        "customer": customer,
        "letter": letter,
        "template": template,
        "campaign": _campaign(cast),
        "list": mailing_list,
    }


PAGES = [
    "/w/alice/outreach/",
    "/w/alice/outreach/templates/",
    "/w/alice/outreach/campaigns/",
    "/w/alice/outreach/letters/",
    "/w/alice/outreach/lists/",
]


@pytest.mark.parametrize("url", PAGES)
def test_members_see_the_pages_outsiders_get_404(cast, client_for, things, url) -> None:  # type: ignore[no-untyped-def]
    assert client_for(cast.viewer).get(url).status_code == 200
    assert client_for(cast.outsider).get(url).status_code == 404


def test_detail_pages_render_with_real_data(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.owner)
    campaign = things["campaign"]
    page = client.get(f"/w/alice/outreach/campaigns/{campaign.pk}/").content.decode()
    assert "Salut Ana" in page and "Vara la Alice&#x27;s Shop" in page
    preview = client.get(
        f"/w/alice/outreach/templates/{things['template'].pk}/preview/"
        f"?customer={things['customer'].pk}"
    ).content.decode()
    assert "Salut Ana" in preview and "Text Alice&#x27;s Shop" in preview
    letters = client.get("/w/alice/outreach/letters/").content.decode()
    assert "Dragă Ana, mulțumim!" in letters
    pdf = client.get("/w/alice/outreach/letters/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    brochure = client.get(f"/w/alice/outreach/campaigns/{campaign.pk}/pdf/")
    assert brochure["Content-Type"] == "application/pdf" and brochure.content.startswith(b"%PDF")
    for url in (
        "/w/alice/outreach/settings/",
        "/w/alice/outreach/templates/new/",
        "/w/alice/outreach/campaigns/new/",
        f"/w/alice/outreach/campaigns/{campaign.pk}/edit/",
        f"/w/alice/outreach/templates/{things['template'].pk}/",
        f"/w/alice/outreach/lists/{things['list'].pk}/",
        "/w/alice/outreach/lists/new/",
        "/w/alice/outreach/sent-mail/",
    ):
        assert client.get(url).status_code == 200, url


def test_objects_of_another_workspace_are_not_found(cast, client_for, things, build) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.outsider)
    campaign = things["campaign"]
    for url in (
        f"/w/charlie/outreach/campaigns/{campaign.pk}/",
        f"/w/charlie/outreach/campaigns/{campaign.pk}/pdf/",
        f"/w/charlie/outreach/templates/{things['template'].pk}/",
        f"/w/charlie/outreach/lists/{things['list'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        post(
            client, f"/w/charlie/outreach/campaigns/{campaign.pk}/action/", {"action": "send"}
        ).status_code
        == 404
    )
    assert (
        post(client, f"/w/charlie/outreach/letters/{things['letter'].pk}/done/").status_code == 404
    )
    assert Campaign.objects.get().status == "draft"
    assert HandwrittenLetter.objects.get().status == "to_write"


def test_a_viewer_cannot_write(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.viewer)
    campaign = things["campaign"]
    assert (
        post(
            client, f"/w/alice/outreach/campaigns/{campaign.pk}/action/", {"action": "send"}
        ).status_code
        == 403
    )
    assert post(client, f"/w/alice/outreach/letters/{things['letter'].pk}/done/").status_code == 403
    assert (
        post(client, "/w/alice/outreach/settings/", {"thank_you_delay_days": 3}).status_code == 403
    )
    assert Campaign.objects.get().status == "draft"
    assert HandwrittenLetter.objects.get().status == "to_write"


def test_forms_refuse_a_post_without_csrf(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.owner)
    campaign = things["campaign"]
    for url in (
        "/w/alice/outreach/settings/",
        f"/w/alice/outreach/campaigns/{campaign.pk}/action/",
        f"/w/alice/outreach/letters/{things['letter'].pk}/done/",
        "/w/alice/outreach/lists/new/",
        "/w/alice/outreach/templates/new/",
    ):
        assert client.post(url, {"action": "send"}).status_code == 403, url
    assert Campaign.objects.get().status == "draft"


def test_an_agent_marks_a_letter_written(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client_for(cast.teammate), f"/w/alice/outreach/letters/{things['letter'].pk}/done/"
    )
    assert response.status_code == 302
    letter = HandwrittenLetter.objects.get()
    assert (letter.status, letter.done_by) == ("done", cast.teammate)
    assert Event.objects.filter(kind="letter.written", customer=things["customer"]).count() == 1
    page = client_for(cast.viewer).get(f"/w/alice/customers/{things['customer'].pk}/")
    assert "Handwritten letter written" in page.content.decode()


def test_a_manager_sends_a_campaign_and_a_test(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.manager)
    campaign = things["campaign"]
    response = post(client, f"/w/alice/outreach/campaigns/{campaign.pk}/test/")
    assert response.status_code == 302
    test = Outbox.objects.get(source_type="campaign_test")
    assert (test.to_address, test.subject) == ("mihai@example.com", "[TEST] Vara la Alice's Shop")
    action = f"/w/alice/outreach/campaigns/{campaign.pk}/action/"
    # No one-click send: without the number confirmed, or with another number, it stays a draft.
    post(client, action, {"action": "send"})
    post(client, action, {"action": "send", "confirm_count": "5"})
    assert Campaign.objects.get().status == "draft"
    confirm = client.get(f"/w/alice/outreach/campaigns/{campaign.pk}/confirm/?action=send")
    assert "Send to 0 customers?" in confirm.content.decode()
    post(client, action, {"action": "send", "confirm_count": "0"})
    assert Campaign.objects.get().status == "sending"
    post(client, f"/w/alice/outreach/campaigns/{campaign.pk}/action/", {"action": "resume"})
    assert Campaign.objects.get().status == "sending"


def test_saving_settings_and_a_bad_template(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.owner)
    data = {
        "thank_you_enabled": "on",
        "thank_you_delay_days": 5,
        "handwritten_threshold": 12,
        "thank_you_holdout_percent": 10,
        "win_back_p_alive": 0.25,
        "win_back_overdue_factor": 2,
        "win_back_cooldown_days": 60,
        "win_back_holdout_percent": 10,
        "uplift_days": 45,
    }
    assert post(client, "/w/alice/outreach/settings/", data).status_code == 302
    from clientela.outreach.services.automations import automations_get

    current = automations_get(cast.shop)
    assert (current.delivery.thank_you_delay_days, current.own.handwritten_threshold) == (5, 12)
    assert current.own.uplift_days == 45
    assert current.own.win_back_enabled is False
    response = post(
        client,
        "/w/alice/outreach/templates/new/",
        {
            "name": "Bad",
            "purpose": "thank_you",
            "language": "ro",
            "subject": "Hi",
            "body_text": "{{ customer.nme }}",
        },
    )
    assert response.status_code == 200
    assert "Unknown variable “customer.nme” in body_text" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Bad").exists()


def test_the_sent_mail_page_hides_sink_mail_that_is_not_the_workspaces(
    cast, client_for, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # The sink holds the whole install's mail; a message no outbox row of this workspace sent
    # (here: one with no Message-ID at all) is someone else's. tests/web/test_delivery.py
    # shows the workspace's own messages listed and opened.
    settings.DATA_DIR = tmp_path
    client = client_for(cast.owner)
    assert "not running" in client.get("/w/alice/outreach/sent-mail/").content.decode()
    (tmp_path / "mailsink").mkdir()
    (tmp_path / "mailsink" / "1.eml").write_bytes(
        b"From: a@example.com\r\nTo: ana@example.com\r\nSubject: =?utf-8?q?Mul=C8=9Bumim?=\r\n\r\nx"
    )
    page = client.get("/w/alice/outreach/sent-mail/").content.decode()
    assert "not running" not in page
    assert "Mulțumim" not in page and "ana@example.com" not in page


def test_the_pages_speak_romanian(cast, client_for, things) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cast.owner)
    page = client.get("/w/alice/outreach/", headers={"Accept-Language": "ro"}).content.decode()
    assert "1 scrisoare de scris" in page and "Scrisori de mulțumire" in page
    letters = client.get("/w/alice/outreach/letters/", headers={"Accept-Language": "ro"})
    assert "Scrisori pentru plic DL cu fereastră (PDF)" in letters.content.decode()
