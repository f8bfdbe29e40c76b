"""Outreach API: template and campaign editing, previews, test sends, PDFs, subscribers.

Each endpoint calls the service the web page calls; these tests pin the exact answers, what
was written (rows, timeline events, outbox rows) and what was not.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.mail.models import Outbox
from clientela.outreach.models import (
    Campaign,
    HandwrittenLetter,
    MailingList,
    MessageTemplate,
    Subscription,
)
from clientela.timeline.models import Event

pytestmark = pytest.mark.django_db

OUT = "/outreach"


def _customer(workspace: Any, email: str, first: str, **fields: Any) -> Customer:
    return Customer.objects.create(
        workspace=workspace, email=email, first_name=first, last_name="Pop", **fields
    )


def _template(workspace: Any, **fields: Any) -> MessageTemplate:
    values = {
        "name": "Vara",
        "purpose": "campaign",
        "language": "ro",
        "subject": "Salut {{ customer.first_name }}",
        "body_text": "Bună, {{ customer.first_name }}!",
        **fields,
    }
    return MessageTemplate.objects.create(workspace=workspace, **values)


def _campaign(workspace: Any, **fields: Any) -> Campaign:
    values = {
        "title": "Toamna",
        "kind": "brochure",
        "language": "ro",
        "subject": "Noutăți pentru {{ customer.first_name }}",
        "body_text": "{{ campaign.intro }}",
        "intro": "Reduceri de toamnă",
        **fields,
    }
    return Campaign.objects.create(workspace=workspace, **values)


# -- templates -----------------------------------------------------------------------------


def test_a_manager_changes_a_template_and_the_change_is_on_the_timeline(
    cast: Any, api_as: Any
) -> None:
    template = _template(cast.shop)

    response = api_as("manager").patch(
        f"{OUT}/templates/{template.pk}", {"subject": "Mulțumim, {{ customer.first_name }}"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": template.pk,
        "name": "Vara",
        "purpose": "campaign",
        "language": "ro",
        "subject": "Mulțumim, {{ customer.first_name }}",
        "body_text": "Bună, {{ customer.first_name }}!",
        "body_html": "",
    }
    event = Event.objects.get(kind="template.changed")
    assert (event.actor, event.subject_id) == (cast.manager, template.pk)
    assert (event.old, event.new) == (
        {"subject": "Salut {{ customer.first_name }}"},
        {"subject": "Mulțumim, {{ customer.first_name }}"},
    )


def test_a_template_change_with_an_unknown_variable_is_refused_and_nothing_changes(
    cast: Any, owner_api: Any
) -> None:
    template = _template(cast.shop)

    response = owner_api.patch(
        f"{OUT}/templates/{template.pk}", {"body_text": "Bună, {{ customer.prenume }}!"}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "payload", "body_text"],
                "msg": "Unknown variable “customer.prenume” in body_text",
                "type": "value_error",
            }
        ]
    }
    template.refresh_from_db()
    assert template.body_text == "Bună, {{ customer.first_name }}!"
    assert not Event.objects.filter(kind="template.changed").exists()


def test_a_template_cannot_take_the_name_of_another(cast: Any, owner_api: Any) -> None:
    _template(cast.shop, name="Iarna")
    template = _template(cast.shop)

    response = owner_api.patch(f"{OUT}/templates/{template.pk}", {"name": "Iarna"})
    created = owner_api.post(
        f"{OUT}/templates",
        {
            "name": "Iarna",
            "purpose": "campaign",
            "language": "ro",
            "subject": "S",
            "body_text": "B",
        },
    )

    for refused in (response, created):
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "payload", "name"]
        assert refused.json()["detail"][0]["msg"] == "A template with this name already exists."
    assert sorted(MessageTemplate.objects.values_list("name", flat=True)) == ["Iarna", "Vara"]


@pytest.mark.parametrize("body", [{"subject": ""}, {"subject": None}, {"colour": "red"}])
def test_a_template_change_refuses_empty_null_and_unknown_fields(
    cast: Any, owner_api: Any, body: dict[str, Any]
) -> None:
    template = _template(cast.shop)

    assert owner_api.patch(f"{OUT}/templates/{template.pk}", body).status_code == 422
    template.refresh_from_db()
    assert template.subject == "Salut {{ customer.first_name }}"


def test_a_template_test_goes_to_the_caller_rendered_for_the_chosen_customer(
    cast: Any, api_as: Any
) -> None:
    template = _template(cast.shop)
    ana = _customer(cast.shop, "ana@example.com", "Ana")

    response = api_as("manager").post(
        f"{OUT}/templates/{template.pk}/test", {"customer_id": ana.pk}
    )

    row = Outbox.objects.get()
    assert response.status_code == 202
    assert response.json() == {"outbox_id": row.pk, "to_address": "mihai@example.com"}
    assert (row.subject, row.body_text) == ("[TEST] Salut Ana", "Bună, Ana!")
    assert (row.kind, row.source_type, row.source_id) == (
        "transactional",
        "template_test",
        template.pk,
    )
    assert Event.objects.filter(kind="template.test_sent", actor=cast.manager).count() == 1


def test_a_template_test_without_a_customer_is_rendered_for_the_caller(
    cast: Any, owner_api: Any
) -> None:
    template = _template(cast.shop)

    response = owner_api.post(f"{OUT}/templates/{template.pk}/test", {})

    row = Outbox.objects.get()
    assert response.json()["to_address"] == "alice@example.com"
    assert (row.subject, row.body_text) == ("[TEST] Salut Alice", "Bună, Alice!")


def test_a_template_test_for_another_shops_customer_is_refused(cast: Any, owner_api: Any) -> None:
    template = _template(cast.shop)
    theirs = _customer(cast.other_shop, "dan@example.com", "Dan")

    response = owner_api.post(f"{OUT}/templates/{template.pk}/test", {"customer_id": theirs.pk})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "customer_id"]
    assert not Outbox.objects.exists()


# -- campaigns -----------------------------------------------------------------------------


def test_a_draft_is_edited_with_its_content_and_audience(cast: Any, api_as: Any) -> None:
    campaign = _campaign(cast.shop)
    regulars = MailingList.objects.create(workspace=cast.shop, name="Regulars", public_token="r")
    theirs = MailingList.objects.create(workspace=cast.other_shop, name="Theirs", public_token="t")
    edit = {
        "title": "Toamna 2026",
        "promotions": [{"name": "Ceai verde", "discount": "10%"}],
        "sales": [{"name": "Lichidare", "starts_on": "2026-10-01", "ends_on": "2026-10-07"}],
        "list_ids": [regulars.pk, theirs.pk],
        "audience_segments": ["at_risk"],
    }

    # The other shop's list is not theirs to target: refused by name, nothing changed.
    refused = api_as("manager").patch(f"{OUT}/campaigns/{campaign.pk}", edit)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"] == f"No such mailing list: {theirs.pk}."
    assert not Event.objects.filter(kind="campaign.changed").exists()

    response = api_as("manager").patch(
        f"{OUT}/campaigns/{campaign.pk}", {**edit, "list_ids": [regulars.pk]}
    )

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("title", "status", "intro", "changes", "body_text")} == {
        "title": "Toamna 2026",
        "status": "draft",
        "intro": "Reduceri de toamnă",
        "changes": "",
        "body_text": "{{ campaign.intro }}",
    }
    assert body["promotions"] == [{"name": "Ceai verde", "description": "", "discount": "10%"}]
    assert body["sales"] == [
        {"name": "Lichidare", "starts_on": "2026-10-01", "ends_on": "2026-10-07"}
    ]
    assert (body["list_ids"], body["tag_ids"], body["audience_segments"]) == (
        [regulars.pk],
        [],
        ["at_risk"],
    )
    event = Event.objects.get(kind="campaign.changed")
    assert (event.old["title"], event.new["title"]) == ("Toamna", "Toamna 2026")


def test_a_scheduled_campaign_can_still_be_edited(cast: Any, owner_api: Any) -> None:
    campaign = _campaign(
        cast.shop, status="scheduled", scheduled_at=datetime(2030, 1, 1, tzinfo=UTC)
    )

    response = owner_api.patch(f"{OUT}/campaigns/{campaign.pk}", {"subject": "Ultima ofertă"})

    assert response.status_code == 200
    assert (response.json()["subject"], response.json()["status"]) == ("Ultima ofertă", "scheduled")
    campaign.refresh_from_db()
    assert (campaign.subject, campaign.scheduled_at) == (
        "Ultima ofertă",
        datetime(2030, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("status", ["sending", "paused", "finished", "cancelled"])
def test_a_campaign_past_scheduling_is_not_edited(cast: Any, owner_api: Any, status: str) -> None:
    campaign = _campaign(cast.shop, status=status)

    response = owner_api.patch(f"{OUT}/campaigns/{campaign.pk}", {"title": "Alt titlu"})

    assert response.status_code == 409
    assert response.json() == {"detail": f"Cannot edit a campaign that is {status}"}
    campaign.refresh_from_db()
    assert campaign.title == "Toamna"
    assert not Event.objects.filter(kind="campaign.changed").exists()


def test_a_campaign_edit_with_an_unknown_variable_is_refused(cast: Any, owner_api: Any) -> None:
    campaign = _campaign(cast.shop)

    response = owner_api.patch(
        f"{OUT}/campaigns/{campaign.pk}", {"subject": "{{ campaign.titlu }}"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "subject"]
    assert response.json()["detail"][0]["msg"] == "Unknown variable “campaign.titlu” in subject"
    campaign.refresh_from_db()
    assert campaign.subject == "Noutăți pentru {{ customer.first_name }}"


def test_a_campaign_is_previewed_for_a_real_customer(cast: Any, api_as: Any) -> None:
    campaign = _campaign(cast.shop)
    ana = _customer(cast.shop, "ana@example.com", "Ana")
    theirs = _customer(cast.other_shop, "dan@example.com", "Dan")
    viewer = api_as("viewer")

    response = viewer.get(f"{OUT}/campaigns/{campaign.pk}/preview", customer_id=ana.pk)
    other = viewer.get(f"{OUT}/campaigns/{campaign.pk}/preview", customer_id=theirs.pk)

    assert response.status_code == 200
    body = response.json()
    # What a recipient gets: the text with the layout's footer and the opt-out the campaign's
    # mail always carries (once), and the HTML part generated from the same text.
    assert {k: body[k] for k in ("customer_id", "subject", "body_text")} == {
        "customer_id": ana.pk,
        "subject": "Noutăți pentru Ana",
        "body_text": (
            f"Reduceri de toamnă\n\n-- \n{cast.shop.name}\n"
            f"Dezabonare: {settings.SITE_URL}/u/preview/\n"
        ),
    }
    assert ">Reduceri de toamnă</p>" in body["body_html"]
    assert (other.status_code, other.json()) == (404, {"detail": "Not found."})
    assert not Outbox.objects.exists()


def test_the_brochure_pdf_is_one_page_with_the_campaign_content(cast: Any, api_as: Any) -> None:
    campaign = _campaign(
        cast.shop,
        promotions=[{"name": "Ceai verde", "description": "Din Japonia", "discount": "10%"}],
        sales=[{"name": "Lichidare de stoc", "starts_on": "2026-10-01", "ends_on": "2026-10-07"}],
        changes="Program nou: sâmbăta până la 14",
    )

    response = api_as("viewer").get(f"{OUT}/campaigns/{campaign.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="brochure-{campaign.pk}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Alice's Shop",
        "Toamna",
        "Reduceri de toamnă",
        "Ceai verde",
        "Din Japonia",
        "10%",
        "Lichidare de stoc",
        "2026-10-07",
        "Program nou: sâmbăta până la 14",
    ):
        assert expected in text, expected


def test_another_shops_brochure_is_not_found(cast: Any, owner_api: Any) -> None:
    theirs = _campaign(cast.other_shop)

    response = owner_api.get(f"{OUT}/campaigns/{theirs.pk}/pdf")

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


# -- letters -------------------------------------------------------------------------------


def _letter(customer: Customer, text: str, status: str = "to_write") -> HandwrittenLetter:
    order = Order.objects.create(
        workspace=customer.workspace,
        customer=customer,
        total=Decimal("40.00"),
        placed_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    return HandwrittenLetter.objects.create(
        workspace=customer.workspace, customer=customer, order=order, draft_text=text, status=status
    )


def test_the_letters_pdf_has_a_page_per_letter_to_write_and_a_label_sheet(
    cast: Any, api_as: Any
) -> None:
    ana = _customer(cast.shop, "ana@example.com", "Ana", address_line="Str. Țesătorilor 3")
    ion = _customer(cast.shop, "ion@example.com", "Ion", city="Brașov")
    _letter(ana, "Dragă Ana, mulțumim!")
    _letter(ion, "Dragă Ion, mulțumim!")
    _letter(ion, "Deja scrisă", status="done")
    _letter(_customer(cast.other_shop, "dan@example.com", "Dan"), "Dragă Dan")

    response = api_as("agent").get(f"{OUT}/letters/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letters.pdf"'
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) == 3  # two letters, one sheet of labels
    assert "Dragă Ana, mulțumim!" in pages[0]
    assert "Dragă Ion, mulțumim!" in pages[1]
    assert "Str. Țesătorilor 3" in pages[2] and "Brașov" in pages[2]
    assert not any("Deja scrisă" in p or "Dan" in p for p in pages)
    assert HandwrittenLetter.objects.filter(status="to_write").count() == 3  # printing marks none


def test_no_letters_to_write_is_a_404_not_an_empty_pdf(cast: Any, owner_api: Any) -> None:
    _letter(_customer(cast.shop, "ana@example.com", "Ana"), "Scrisă", status="done")

    response = owner_api.get(f"{OUT}/letters/pdf")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "There are no letters to write."},
    )


# -- lists ---------------------------------------------------------------------------------


def _subscribe(mailing_list: MailingList, customer: Customer, status: str, **fields: Any) -> Any:
    return Subscription.objects.create(
        workspace=mailing_list.workspace,
        mailing_list=mailing_list,
        customer=customer,
        status=status,
        confirm_token=f"tok-{customer.pk}-{mailing_list.pk}",
        source=fields.pop("source", "form"),
        created_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        **fields,
    )


def test_a_lists_subscribers_with_their_consent_record(cast: Any, api_as: Any) -> None:
    regulars = MailingList.objects.create(workspace=cast.shop, name="Regulars", public_token="r")
    other = MailingList.objects.create(workspace=cast.shop, name="Other", public_token="o")
    ana = _customer(cast.shop, "ana@example.com", "Ana")
    ion = _customer(cast.shop, "ion@example.com", "Ion")
    confirmed = _subscribe(
        regulars,
        ana,
        "confirmed",
        ip="192.0.2.7",
        confirmed_at=datetime(2026, 11, 1, 9, 5, tzinfo=UTC),
    )
    pending = _subscribe(regulars, ion, "pending", source="import")
    _subscribe(other, ion, "confirmed")
    viewer = api_as("viewer")

    response = viewer.get(f"{OUT}/lists/{regulars.pk}/subscriptions")
    only_confirmed = viewer.get(f"{OUT}/lists/{regulars.pk}/subscriptions", status="confirmed")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": pending.pk,
                "customer_id": ion.pk,
                "email": "ion@example.com",
                "status": "pending",
                "source": "import",
                "ip": None,
                "created_at": "2026-11-01T09:00:00Z",
                "confirmed_at": None,
                "unsubscribed_at": None,
            },
            {
                "id": confirmed.pk,
                "customer_id": ana.pk,
                "email": "ana@example.com",
                "status": "confirmed",
                "source": "form",
                "ip": "192.0.2.7",
                "created_at": "2026-11-01T09:00:00Z",
                "confirmed_at": "2026-11-01T09:05:00Z",
                "unsubscribed_at": None,
            },
        ],
        "next": None,
    }
    assert [i["id"] for i in only_confirmed.json()["items"]] == [confirmed.pk]


def test_the_subscribers_page_costs_the_same_for_many_subscribers(
    cast: Any, owner_api: Any
) -> None:
    regulars = MailingList.objects.create(workspace=cast.shop, name="Regulars", public_token="r")
    path = f"{OUT}/lists/{regulars.pk}/subscriptions"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_api.get(path).status_code == 200
        return len(captured)

    _subscribe(regulars, _customer(cast.shop, "a0@example.com", "A"), "confirmed")
    queries()  # the token's use is recorded at most every five minutes
    one = queries()
    for n in range(1, 20):
        _subscribe(regulars, _customer(cast.shop, f"a{n}@example.com", "A"), "confirmed")

    # authentication, the list, one page of subscriptions with their customers
    assert (one, queries()) == (4, 4)


def test_another_shops_list_is_not_found(cast: Any, owner_api: Any) -> None:
    theirs = MailingList.objects.create(workspace=cast.other_shop, name="T", public_token="t")
    _subscribe(theirs, _customer(cast.other_shop, "dan@example.com", "Dan"), "confirmed")

    response = owner_api.get(f"{OUT}/lists/{theirs.pk}/subscriptions")

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
