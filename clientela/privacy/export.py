"""Everything held about one customer, as a zip: one JSON document and a CSV per section.

Sections: the profile, addresses, tags, consents, orders and their lines, the timeline,
the mail written to them, list subscriptions, letters, the retention scores, and what the
front desk holds: messages, complaints, forwarding addresses, compensations and
certificates (`privacy/desk.py`). Values are
written as stored (dates in ISO 8601, UTC); the CSVs carry a BOM so that a spreadsheet
opens them in UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clientela.accounts.models import User
from clientela.accounts.policy import permit
from clientela.commerce.models import Order, OrderLine
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.mail.models import Outbox
from clientela.outreach.models import HandwrittenLetter, Subscription
from clientela.privacy.desk import desk_sections
from clientela.privacy.policy import CUSTOMER_DATA_EXPORT
from clientela.retention.models import CustomerScore
from clientela.timeline.models import Event
from clientela.timeline.services import event_record

PROFILE_FIELDS = (
    "id",
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_line",
    "city",
    "postal_code",
    "country",
    "language",
    "notes",
    "created_at",
    "updated_at",
    "erased_at",
)
MAIL_FIELDS = (
    "id",
    "created_at",
    "sent_at",
    "status",
    "kind",
    "to_address",
    "to_name",
    "subject",
    "body_text",
)
# A customer's rows are few; the caps only keep one file from growing without bound.
ROWS_MAX = 10_000


def _rows(queryset: Any, fields: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    values = queryset.values(*fields) if fields else queryset.values()
    return [dict(row) for row in values[:ROWS_MAX]]


def customer_data(customer: Customer) -> dict[str, list[dict[str, Any]]]:
    """The sections of the export, each a list of flat rows."""
    ws = customer.workspace
    mine = Q(customer=customer)
    orders = Order.objects.for_workspace(ws).filter(mine).order_by("placed_at", "pk")
    addresses = list(
        CustomerEmail.objects.for_workspace(ws).filter(mine).values_list("address", flat=True)
    )
    mail = Outbox.objects.for_workspace(ws).filter(mine | Q(to_address__in=addresses))
    scores = CustomerScore.objects.for_workspace(ws).filter(mine).order_by("run_id")
    return {
        "profile": _rows(Customer.objects.filter(pk=customer.pk), PROFILE_FIELDS),
        "addresses": _rows(
            CustomerEmail.objects.for_workspace(ws).filter(mine).order_by("pk"),
            ("address", "is_primary"),
        ),
        "tags": [
            {"name": name} for name in customer.tags.order_by("name").values_list("name", flat=True)
        ],
        "consents": _rows(
            Consent.objects.for_workspace(ws).filter(mine).order_by("granted_at", "pk"),
            ("purpose", "channel", "source", "granted_at", "ip", "withdrawn_at"),
        ),
        "orders": _rows(orders, ("id", "external_id", "placed_at", "status", "currency", "total")),
        "order_lines": _rows(
            OrderLine.objects.filter(order__in=orders).order_by("order_id", "pk"),
            ("order_id", "product_id", "description", "quantity", "unit_price"),
        ),
        "timeline": _rows(
            Event.objects.for_workspace(ws).filter(mine).order_by("at", "pk"),
            ("at", "kind", "actor_label", "summary", "old", "new"),
        ),
        "mail": _rows(mail.order_by("created_at", "pk"), MAIL_FIELDS),
        "subscriptions": _rows(
            Subscription.objects.for_workspace(ws).filter(mine).order_by("pk"),
            (
                "mailing_list__name",
                "status",
                "source",
                "ip",
                "created_at",
                "confirmed_at",
                "unsubscribed_at",
            ),
        ),
        "letters": _rows(
            HandwrittenLetter.objects.for_workspace(ws).filter(mine).order_by("pk"),
            ("order_id", "draft_text", "status", "created_at", "done_at"),
        ),
        "scores": [
            {k: v for k, v in row.items() if k not in ("workspace_id", "customer_id")}
            for row in _rows(scores)
        ],
        **desk_sections(customer, _rows),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: _text(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def customer_zip(data: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = json.dumps(data, ensure_ascii=False, indent=2, default=_text)
        archive.writestr("customer.json", document)
        for section, rows in data.items():
            archive.writestr(f"{section}.csv", _csv(rows))
    return buffer.getvalue()


@transaction.atomic
def customer_data_export(*, customer: Customer, actor: User | None) -> bytes:
    """The zip of everything held about `customer`; the export itself is a timeline row."""
    permit(actor=actor, workspace=customer.workspace, rule=CUSTOMER_DATA_EXPORT)
    data = customer_data(customer)
    event_record(
        workspace=customer.workspace,
        actor=actor,
        kind="customer.data_exported",
        subject_type="customer",
        subject_id=customer.pk,
        customer=customer,
        new={section: len(rows) for section, rows in data.items()},
    )
    return customer_zip(data)


def export_name(customer: Customer) -> str:
    return f"customer-{customer.pk}-{timezone.now():%Y%m%d}.zip"
