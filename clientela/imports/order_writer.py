"""Write a batch of validated order rows, creating the customers they name when missing.

Orders are matched by external id: a known order whose values differ is updated (with an
`order.changed` timeline row); a new order is inserted without a timeline row of its own —
orders appear on the customer's page from the orders table, and a million of them would
double the size of the timeline. Customers are found by `customer_external_id`, else by
`customer_email`; one that does not exist is created from those two values alone (what a
shop has when all it exported is its orders), with a `customer.created` timeline row.
An existing customer is never changed by an orders import.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.commerce import signals
from clientela.commerce.models import Order
from clientela.customers.models import SEARCH_KEYS, Customer, customer_search_keys
from clientela.imports.bulk import defaults, update_by_id
from clientela.imports.customer_writer import customers_created_record
from clientela.imports.db.base import Backend
from clientela.imports.passes import ErrorLog
from clientela.imports.reader import RowError
from clientela.imports.schema import OrderRow
from clientela.timeline.services import event_build, events_record_many

ORDER_FIELDS = ("customer_id", "placed_at", "status", "currency", "total")
# The customers seen are remembered across batches up to this many keys, then forgotten
# (and looked up again), so that memory stays flat whatever the number of customers.
CACHE_LIMIT = 200_000
_COLUMNS = ("workspace_id", "external_id", "created_at", *ORDER_FIELDS)


class OrderWriter:
    def __init__(
        self,
        *,
        workspace: Workspace,
        actor: User | None,
        errors: ErrorLog,
        db: Backend,
        use_copy: bool,
    ) -> None:
        self.workspace = workspace
        self.actor = actor
        self.errors = errors
        self._db = db
        # The database's own COPY of orders, if it has one and `use_copy` allows it.
        self._copy_orders = db.copy_orders if use_copy else None
        self.created = self.updated = self.unchanged = self.customers_created = 0
        self._customer_of: dict[str, int] = {}  # "id:X" / "email:E" → customer pk
        self._email_owner: dict[str, tuple[int, str | None]] = {}  # e-mail → (pk, external id)
        self._statistics = db.statistics()
        # Whether the workspace had orders before this import (asked at the first batch):
        # if not, no order of the file can exist already, since the file repeats no
        # external id, and the lookup of each batch's ids is skipped.
        self._had_orders: bool | None = None

    def write(self, batch: list[OrderRow]) -> None:
        self._customers_resolve(batch)
        if self.errors.count:
            return
        existing = self._existing([row.external_id for row in batch])
        if not existing:  # the common case of a first import: nothing to compare
            self._insert(batch)
            return
        new: list[OrderRow] = []
        changed: list[tuple[int, dict[str, Any], dict[str, Any]]] = []  # pk, old, wanted
        for row in batch:
            current = existing.get(row.external_id)
            if current is None:
                new.append(row)
                continue
            wanted = self._values(row)
            old = {f: current[f] for f in ORDER_FIELDS if current[f] != wanted[f]}
            if old:
                changed.append((current["pk"], old, wanted))
            else:
                self.unchanged += 1
        self._insert(new)
        self._update(changed)

    def _values(self, row: OrderRow) -> dict[str, Any]:
        return {
            "customer_id": self._customer_of[row.customer_key],
            "placed_at": row.placed_at_value,
            "status": row.status,
            "currency": row.currency or self.workspace.currency,
            "total": row.total_value,
        }

    def _existing(self, external_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The orders of the workspace with these external ids, by external id."""
        if self._had_orders is None:
            self._had_orders = Order.objects.for_workspace(self.workspace).exists()
        if not external_ids or not self._had_orders:
            return {}
        ids = list(dict.fromkeys(external_ids))
        return self._db.orders_matching(self.workspace, ids, ORDER_FIELDS)

    # Customers -------------------------------------------------------------------------

    def _customers_resolve(self, batch: list[OrderRow]) -> None:
        if len(self._customer_of) > CACHE_LIMIT:
            self._customer_of.clear()
            self._email_owner.clear()
        unknown = [row for row in batch if row.customer_key not in self._customer_of]
        self._customers_load(unknown)
        to_create: dict[str, OrderRow] = {}
        pending: dict[str, OrderRow] = {}  # e-mail → the row whose new customer will have it
        later: list[OrderRow] = []
        for row in unknown:
            key = row.customer_key
            if key in self._customer_of or key in to_create:
                continue
            email = row.customer_email or ""
            owner = self._email_owner.get(email)
            if owner is None and email in pending:
                if row.customer_external_id:
                    self.errors.add(
                        RowError(
                            row.line,
                            "customer_email",
                            _("is the e-mail of another customer earlier in the file"),
                        )
                    )
                else:
                    later.append(row)
            elif owner is None:
                to_create[key] = row
                if email:
                    pending[email] = row
            elif row.customer_external_id and owner[1] is not None:
                self.errors.add(
                    RowError(
                        row.line,
                        "customer_email",
                        _("belongs to the customer with external id %(other)s")
                        % {"other": repr(owner[1])},
                    )
                )
            else:
                self._customer_of[key] = owner[0]
        self._customers_create(list(to_create.values()))
        for row in later:
            self._customer_of[row.customer_key] = self._email_owner[row.customer_email or ""][0]

    def _customers_load(self, rows: list[OrderRow]) -> None:
        ext_ids = {row.customer_external_id for row in rows if row.customer_external_id}
        emails = {row.customer_email for row in rows if row.customer_email} - set(self._email_owner)
        by_ext, owners = self._db.customer_ids_matching(self.workspace, ext_ids, emails)
        for ext_id, pk in by_ext:
            self._customer_of[f"id:{ext_id}"] = pk
        for address, pk, owner_ext_id in owners:
            self._email_owner[address] = (pk, owner_ext_id)
            self._customer_of.setdefault(f"email:{address}", pk)

    def _customers_create(self, rows: list[OrderRow]) -> None:
        """Insert the customers, their addresses and `customer.created` rows, in bulk SQL.

        The rows are those `Customer.objects.bulk_create` and `event_build` would write for
        a customer known by external id and/or e-mail only (tested against them).
        """
        if not rows:
            return
        ws = self.workspace
        given = ("workspace_id", "external_id", "email", "language", *SEARCH_KEYS)
        rest, rest_values = defaults(Customer, given)
        new = [
            (
                row.customer_external_id,
                row.customer_email or "",
                row.customer_key,
            )
            for row in rows
        ]
        ids = self._db.insert_returning_ids(
            Customer,
            (*given, *rest),
            [
                (
                    ws.pk,
                    ext_id,
                    email,
                    ws.default_language,
                    *customer_search_keys("", "", email, ext_id),
                    *rest_values,
                )
                for ext_id, email, _key in new
            ],
        )
        for (ext_id, email, key), pk in zip(new, ids, strict=True):
            self._customer_of[key] = pk
            if email:
                self._email_owner[email] = (pk, ext_id)
        self.customers_created += len(ids)
        self._statistics.added(Customer, len(ids))
        customers_created_record(
            workspace=ws,
            actor=self.actor,
            db=self._db,
            statistics=self._statistics,
            created=[
                (pk, email, email or f"#{pk}", {"external_id": ext_id, "email": email})
                for (ext_id, email, _key), pk in zip(new, ids, strict=True)
            ],
        )

    # Orders ----------------------------------------------------------------------------

    def _insert(self, rows: list[OrderRow]) -> None:
        if not rows:
            return
        now = timezone.now()
        if self._copy_orders is not None:
            ids = self._copy_orders(self.workspace, rows, self._customer_of, now)
        else:
            ids = self._insert_sql(rows, now)
        self.created += len(ids)
        self._statistics.added(Order, len(ids))
        signals.orders_placed.send(sender=Order, workspace=self.workspace, order_ids=ids)

    def _insert_sql(self, rows: list[OrderRow], now: datetime) -> list[int]:
        """Through the database's `insert_returning_ids`: SQLite's multi-row INSERT …
        RETURNING, or PostgreSQL's COPY of adapted values when `use_copy` is off.

        The rows' moments and totals are already text: SQLite stores that very text (naive
        UTC, as Django does) and PostgreSQL reads it, with the UTC offset written out.
        """
        ws, currency, customer_of = self.workspace.pk, self.workspace.currency, self._customer_of
        zone = self._db.UTC_SUFFIX
        values = [
            (
                ws,
                row.external_id,
                created,
                customer_of[row.customer_key],
                row.placed_at + zone,
                row.status,
                row.currency or currency,
                row.total,
            )
            for created in [self._db.adapt_datetime(now)]
            for row in rows
        ]
        return self._db.insert_returning_ids(Order, _COLUMNS, values)

    def _update(self, changed: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
        """Write every order field of the changed orders (each has its own changed fields);
        their timeline rows hold only the fields that changed (`old`)."""
        if not changed:
            return
        orders = [Order(pk=pk, workspace=self.workspace, **wanted) for pk, _, wanted in changed]
        update_by_id(Order, self.workspace.pk, ORDER_FIELDS, orders)
        self.updated += len(changed)
        events_record_many(
            event_build(
                workspace=self.workspace,
                actor=self.actor,
                actor_label="import",
                kind="order.changed",
                subject_type="order",
                subject_id=pk,
                customer_id=wanted["customer_id"],
                old=_plain(old),
                new=_plain({field: wanted[field] for field in old}),
            )
            for pk, old, wanted in changed
        )
        signals.changes_announce(self.workspace, changed)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for key, value in values.items()
    }
