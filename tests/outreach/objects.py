"""One outreach object of each kind in the cast's shop, for the shared permission matrices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clientela.commerce.models import Order
from clientela.customers.models import Customer
from clientela.outreach.models import Campaign, HandwrittenLetter, MailingList, MessageTemplate


def outreach_objects(cast: Any) -> dict[str, int]:
    shop = cast.shop
    customer = Customer.objects.create(workspace=shop, first_name="Matrix", email="m@example.com")
    order = Order.objects.create(
        workspace=shop,
        customer=customer,
        total=Decimal("1.00"),
        placed_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    template = MessageTemplate.objects.create(
        workspace=shop, name="Matrix", purpose="campaign", language="ro", subject="S", body_text="B"
    )
    campaign = Campaign.objects.create(
        workspace=shop, title="Matrix", kind="brochure", language="ro", subject="S", body_text="B"
    )
    letter = HandwrittenLetter.objects.create(
        workspace=shop, customer=customer, order=order, draft_text="Dragă Matrix", status="done"
    )
    mailing_list = MailingList.objects.create(workspace=shop, name="Matrix", public_token="mtx")
    return {
        "outreach_template": template.pk,
        "outreach_campaign": campaign.pk,
        "outreach_letter": letter.pk,
        "outreach_list": mailing_list.pk,
        "outreach_customer": customer.pk,
    }
