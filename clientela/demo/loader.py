"""Load the demo shop: the CDNOW purchases (1997-1998) as a Romanian shop's recent history.

- One Customer per CDNOW customer (external id `cdnow-<id>`), with an invented person
  (see `people.py`); one Order per purchase row (external id `cdnow-<row>`, row 1 being the
  first data line). Same-day purchases stay separate orders, as in the file.
- Dates are shifted by whole days so that the last purchase loaded (1998-06-30 for the
  whole file) falls `DAYS_BEFORE_TODAY` days before `today`; each order gets a time of day
  between 09:00 and 20:59 in the workspace's time zone, drawn with a generator seeded `seed`.
- Amounts are converted from US dollars at the fixed rate USD_TO_RON (4.60), rounded to the
  cent: the demo workspace keeps its accounts in RON.
- No products or order lines: the file says how many CDs, not which.
- The writes go through the same models as the CSV import and leave the same rows:
  Customer + primary CustomerEmail, one `customer.created` event per customer (actor
  label "demo"), Orders announced to `commerce.signals.orders_placed`, plus one `demo.loaded`
  event. E-mail consent for marketing is recorded (source "demo") for MARKETING_SHARE of
  the customers, so that campaigns have an audience.
- One past brochure, sent weeks before `today` to the customers tagged loyal, with its
  holdout, so that its uplift report can be read at once (see `history.py`).
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from clientela.accounts.models import User, Workspace
from clientela.commerce import signals
from clientela.commerce.models import Order, OrderStatus
from clientela.customers.models import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    Customer,
    CustomerEmail,
)
from clientela.demo.desk import demo_desk_seed
from clientela.demo.history import demo_campaign_seed
from clientela.demo.people import Person, invent_people
from clientela.timeline.models import Event
from clientela.timeline.services import event_build, event_record, events_record_many

CDNOW_MASTER = Path(__file__).resolve().parent / "data" / "cdnow" / "CDNOW_master.txt"
USD_TO_RON = Decimal("4.60")
DAYS_BEFORE_TODAY = 3
MARKETING_SHARE = 0.6
BATCH = 2000


@dataclass(frozen=True)
class Purchase:
    row: int  # 1 = the first line after the header
    customer: int
    day: date
    cds: int
    dollars: Decimal


@dataclass(frozen=True)
class LoadReport:
    customers: int
    orders: int
    seconds: float
    first_order: datetime
    last_order: datetime


def read_cdnow(path: Path = CDNOW_MASTER, *, customers: int | None = None) -> list[Purchase]:
    """The purchase rows of CDNOW_master.txt; with `customers`, only those of ids 1..N."""
    purchases = []
    with open(path, encoding="ascii", newline="") as handle:
        next(handle)  # header
        for row, line in enumerate(handle, start=1):
            customer, day, cds, dollars = line.split()
            if customers is not None and int(customer) > customers:
                continue
            purchases.append(
                Purchase(
                    row,
                    int(customer),
                    datetime.strptime(day, "%Y%m%d").date(),
                    int(cds),
                    Decimal(dollars),
                )
            )
    return purchases


def to_ron(dollars: Decimal) -> Decimal:
    return (dollars * USD_TO_RON).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shifted_times(
    purchases: list[Purchase], *, today: date, tz: ZoneInfo, seed: int
) -> list[datetime]:
    """Each purchase's time in the demo: same weekday distance, shop hours, fixed seed."""
    shift = (today - timedelta(days=DAYS_BEFORE_TODAY)) - max(p.day for p in purchases)
    rng = random.Random(seed)
    times = []
    for purchase in purchases:
        minute = rng.randrange(9 * 60, 21 * 60)
        moment = time(minute // 60, minute % 60, rng.randrange(60))
        times.append(datetime.combine(purchase.day + shift, moment, tzinfo=tz))
    return times


OrderRow = tuple[str, int, datetime, Decimal]  # external id, customer pk, placed at, total


def _batches(items: list[OrderRow]) -> Iterator[list[OrderRow]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _orders_insert(workspace: Workspace, rows: list[OrderRow]) -> list[int]:
    """Insert plain Order rows; their new ids. The same rows as `bulk_create`, built without
    a model instance per row, which is most of the load time with 70,000 orders."""
    ops = connection.ops
    columns = ["workspace_id", "external_id", "customer_id", "placed_at", "status", "currency",
               "total", "created_at"]  # fmt: skip
    table = ops.quote_name(Order._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(ops.quote_name(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    params = []
    for external_id, customer_id, placed_at, total in rows:
        at = ops.adapt_datetimefield_value(placed_at)
        amount = ops.adapt_decimalfield_value(total, 12, 2)
        params.append((workspace.pk, external_id, customer_id, at, OrderStatus.PLACED.value,
                       workspace.currency, amount, at))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return list(
        Order.objects.for_workspace(workspace)
        .filter(external_id__in=[row[0] for row in rows])
        .values_list("pk", flat=True)
    )


@transaction.atomic
def demo_shop_load(
    *,
    workspace: Workspace,
    actor: User | None,
    today: date,
    seed: int = 1997,
    source: Path = CDNOW_MASTER,
    customers: int | None = None,
) -> LoadReport:
    """Write the demo shop into `workspace` (expected empty of CDNOW rows). All or nothing."""
    started = clock.monotonic()
    purchases = read_cdnow(source, customers=customers)
    ids = sorted({p.customer for p in purchases})
    people = invent_people(ids, seed=seed)
    placed = shifted_times(purchases, today=today, tz=ZoneInfo(workspace.time_zone), seed=seed)
    first_seen: dict[int, datetime] = {}
    for purchase, at in zip(purchases, placed, strict=True):
        first_seen.setdefault(purchase.customer, at)
    by_id = _customers_create(workspace, actor, people, first_seen, seed)
    rows = [
        (f"cdnow-{p.row}", by_id[p.customer], at, to_ron(p.dollars))
        for p, at in zip(purchases, placed, strict=True)
    ]
    for batch in _batches(rows):
        placed_ids = _orders_insert(workspace, batch)
        signals.orders_placed.send(sender=Order, workspace=workspace, order_ids=placed_ids)
    campaign = demo_campaign_seed(workspace=workspace, actor=actor, today=today)
    demo_desk_seed(workspace=workspace, actor=actor)
    event_record(
        workspace=workspace,
        actor=actor,
        kind="demo.loaded",
        subject=workspace,
        summary="CDNOW purchases 1997-1998, dates shifted, invented names",
        new={
            "customers": len(ids),
            "orders": len(rows),
            "seed": seed,
            "usd_to_ron": str(USD_TO_RON),
            "today": today.isoformat(),
            "campaign": campaign.pk,
        },
    )
    return LoadReport(len(ids), len(rows), clock.monotonic() - started, min(placed), max(placed))


def _customers_create(
    workspace: Workspace,
    actor: User | None,
    people: dict[int, Person],
    first_seen: dict[int, datetime],
    seed: int,
) -> dict[int, int]:
    """Customers, their e-mail rows, consents and `customer.created` events; id -> pk."""
    rows = [
        Customer(
            workspace=workspace,
            external_id=f"cdnow-{cid}",
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            address_line=p.address_line,
            city=p.city,
            postal_code=p.postal_code,
            country=p.country,
            language=p.language,
            created_at=first_seen[cid],
            updated_at=first_seen[cid],
        )
        for cid, p in people.items()
    ]
    created = Customer.objects.bulk_create(rows, batch_size=BATCH)
    CustomerEmail.objects.bulk_create(
        (
            CustomerEmail(workspace=workspace, customer=c, address=c.email, is_primary=True)
            for c in created
        ),
        batch_size=BATCH,
    )
    rng = random.Random(seed + 2)
    Consent.objects.bulk_create(
        (
            Consent(
                workspace=workspace,
                customer=c,
                purpose=ConsentPurpose.MARKETING,
                channel=ConsentChannel.EMAIL,
                source="demo",
                granted_at=c.created_at,
            )
            for c in created
            if rng.random() < MARKETING_SHARE
        ),
        batch_size=BATCH,
    )
    events = []
    for customer in created:
        event = event_build(
            workspace=workspace,
            actor=actor,
            actor_label="demo",
            kind="customer.created",
            subject=customer,
            customer=customer,
            summary=customer.display_name,
            new={"external_id": customer.external_id, "email": customer.email},
        )
        event.at = customer.created_at
        events.append(event)
    events_record_many(events, batch_size=BATCH)
    return {int(c.external_id.removeprefix("cdnow-")): c.pk for c in created if c.external_id}


def demo_is_loaded(*, workspace: Workspace) -> bool:
    return Event.objects.for_workspace(workspace).filter(kind="demo.loaded").exists()
