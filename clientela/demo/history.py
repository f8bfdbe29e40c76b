"""The demo's past brochure: one campaign sent weeks ago, so its uplift report can be read.

A campaign's uplift report appears only `uplift_days` after it started sending; a freshly
loaded demo would show none for a month. So the loader writes one brochure as history:

- Its audience is the tag LOYAL_TAG, given to the customers who had placed at least
  LOYAL_ORDERS orders before the send (counted from the loaded orders, so the tag uses
  nothing that happened after it). Retention segments are not used: they exist only once
  the retention engine has run, after the load, and score today rather than the send date.
- It is saved and sent by the product's own `campaign_save` and `campaign_send`: the same
  audience rules (marketing consent, suppression), the same 10 % random holdout drawn from
  the campaign id, the same rendered outbox rows and recipients.
- Then the send is moved SENT_DAYS_AGO days back: the campaign's times, its timeline rows
  and its outbox rows, which are recorded as sent at that moment (with a reply that says
  they were demo history). They were never handed to the mail sink and never will be: they
  leave the load already sent, so no worker claims them.

Everything runs inside the loader's transaction, so no worker ever sees those rows queued.
The uplift report itself is left to the product, over the real CDNOW orders after the send.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count

from clientela.accounts.models import User, Workspace
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import Tag
from clientela.mail.models import Outbox, OutboxStatus
from clientela.outreach.models import Campaign, CampaignKind
from clientela.outreach.services.campaigns import (
    campaign_finish_if_done,
    campaign_save,
    campaign_send,
)
from clientela.timeline.models import Event
from clientela.timeline.services import event_build, events_record_many

# Twice the default 30-day window of the uplift report, and well inside the loaded history.
SENT_DAYS_AGO = 60
SEND_TIME = time(10, 0)
LOYAL_TAG = "client fidel"
LOYAL_ORDERS = 3
DEMO_REPLY = "demo history: recorded as sent, never delivered"
TITLE = "Broșură — reducerile lunii (istoric demo)"

_BODY_TEXT = (
    "Dragă {{ customer.first_name|default:customer.display_name }},\n\n"
    "{{ campaign.intro }}\n\n"
    "{% for p in campaign.promotions %}- {{ p.name }} ({{ p.discount }}): "
    "{{ p.description }}\n{% endfor %}\n"
    "{% for s in campaign.sales %}{{ s.name }}: {{ s.starts_on }} - {{ s.ends_on }}\n"
    "{% endfor %}\n"
    "{{ campaign.changes }}\n\n"
    "Cu drag,\n{{ shop.name }}\n\n--\n"
    "Nu mai doriți aceste mesaje? {{ unsubscribe_url }}\n"
)
_BODY_HTML = (
    "<p>Dragă {{ customer.first_name|default:customer.display_name }},</p>"
    "<p>{{ campaign.intro }}</p><ul>"
    "{% for p in campaign.promotions %}<li><strong>{{ p.name }}</strong> "
    "({{ p.discount }}): {{ p.description }}</li>{% endfor %}</ul>"
    "{% for s in campaign.sales %}<p>{{ s.name }}: {{ s.starts_on }} - {{ s.ends_on }}</p>"
    "{% endfor %}<p>{{ campaign.changes }}</p><p>Cu drag,<br>{{ shop.name }}</p>"
    '<p><a href="{{ unsubscribe_url }}">Dezabonare</a></p>'
)


def sent_moment(*, today: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(today - timedelta(days=SENT_DAYS_AGO), SEND_TIME, tzinfo=tz)


def _content(sent_on: date) -> dict[str, Any]:
    return {
        "title": TITLE,
        "kind": CampaignKind.BROCHURE,
        "language": "ro",
        "subject": "{{ customer.first_name|default:customer.display_name }}, "
        "reducerile lunii la CD-uri",
        "intro": "Pentru clienții noștri fideli: o lună de reduceri la albumele preferate.",
        "promotions": [
            {
                "name": "Jazz și blues",
                "description": "Toate albumele de jazz și blues din catalog.",
                "discount": "15%",
            },
            {
                "name": "Trei CD-uri",
                "description": "La trei CD-uri cumpărate deodată, cel mai ieftin e gratuit.",
                "discount": "3 la preț de 2",
            },
        ],
        "sales": [
            {
                "name": "Reducerile lunii",
                "starts_on": sent_on.isoformat(),
                "ends_on": (sent_on + timedelta(days=14)).isoformat(),
            }
        ],
        "changes": "Livrarea este gratuită pentru comenzile de peste 150 lei.",
        "body_text": _BODY_TEXT,
        "body_html": _BODY_HTML,
        "holdout_percent": 10,
    }


def loyal_tag_create(*, workspace: Workspace, before: datetime) -> Tag:
    """The tag LOYAL_TAG on every customer with LOYAL_ORDERS or more placed orders before
    `before`."""
    tag = Tag.objects.create(workspace=workspace, name=LOYAL_TAG)
    loyal = (
        Order.objects.for_workspace(workspace)
        .filter(status=OrderStatus.PLACED, placed_at__lt=before)
        .values("customer_id")
        .annotate(orders=Count("pk"))
        .filter(orders__gte=LOYAL_ORDERS)
        .values_list("customer_id", flat=True)
    )
    through = Tag.customers.through
    through.objects.bulk_create(
        [through(tag_id=tag.pk, customer_id=pk) for pk in loyal], batch_size=2000
    )
    return tag


def demo_campaign_seed(*, workspace: Workspace, actor: User | None, today: date) -> Campaign:
    """Write the past brochure (see the module's docstring); call inside the load."""
    sent_at = sent_moment(today=today, tz=ZoneInfo(workspace.time_zone))
    tag = loyal_tag_create(workspace=workspace, before=sent_at)
    campaign = campaign_save(
        workspace=workspace, actor=actor, tag_ids=[tag.pk], **_content(sent_at.date())
    )
    campaign = campaign_send(campaign=campaign, actor=actor)
    _record_as_sent(campaign, sent_at)
    campaign_finish_if_done(campaign=campaign)
    _move_back(campaign, sent_at)
    campaign.refresh_from_db()
    return campaign


def _record_as_sent(campaign: Campaign, sent_at: datetime) -> None:
    """The campaign's queued rows become sent at `sent_at`, each with its timeline row."""
    rows = Outbox.objects.filter(
        workspace=campaign.workspace,
        source_type="campaign",
        source_id=campaign.pk,
        status=OutboxStatus.QUEUED,
    )
    events = []
    for pk, customer_id, subject in rows.values_list("pk", "customer_id", "subject"):
        event = event_build(
            workspace=campaign.workspace,
            kind="outreach.mail_sent",
            subject_type="outbox",
            subject_id=pk,
            customer_id=customer_id,
            summary=subject,
            old={"status": OutboxStatus.QUEUED},
            new={"status": OutboxStatus.SENT, "smtp_code": None},
        )
        event.at = sent_at
        events.append(event)
    rows.update(
        status=OutboxStatus.SENT,
        attempts=1,
        created_at=sent_at,
        not_before=sent_at,
        next_attempt_at=sent_at,
        last_attempt_at=sent_at,
        sent_at=sent_at,
        last_smtp_reply=DEMO_REPLY,
    )
    events_record_many(events)


def _move_back(campaign: Campaign, sent_at: datetime) -> None:
    """The campaign and its own timeline rows at the past send: written a day before,
    finished an hour after."""
    created_at = sent_at - timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=created_at, started_at=sent_at, finished_at=sent_at + timedelta(hours=1)
    )
    mine = Event.objects.for_workspace(campaign.workspace).filter(
        subject_type="campaign", subject_id=campaign.pk
    )
    mine.filter(kind="campaign.created").update(at=created_at)
    mine.filter(kind="campaign.send").update(at=sent_at)
    mine.filter(kind="campaign.finish").update(at=sent_at + timedelta(hours=1))
