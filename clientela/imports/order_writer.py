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

import re
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
from clientela.imports.cells import PROFILE
from clientela.imports.consents import consents_apply
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
        source: str = "",
    ) -> None:
        self.workspace = workspace
        self.actor = actor
        self.source = source  # of the consents the file records (`consents.consent_source`)
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
        marketing = {
            self._customer_of[row.customer_key]: row.marketing
            for row in batch
            if row.marketing is not None
        }
        if marketing:
            consents_apply(
                workspace=self.workspace, actor=self.actor, source=self.source, wanted=marketing
            )
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
        ambiguous = self._customers_by_name(
            [row for row in unknown if row.customer_key.startswith("name:")]
        )
        to_create: dict[str, OrderRow] = {}
        pending: dict[str, OrderRow] = {}  # e-mail → the row whose new customer will have it
        later: list[OrderRow] = []
        for row in unknown:
            key = row.customer_key
            if key in self._customer_of or key in to_create or key in ambiguous:
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

    def _customers_by_name(self, rows: list[OrderRow]) -> set[str]:
        """Find the customers of PrestaShop's orders, named as its order list shows them
        ("I. Popescu": the first name's initial and the last name). One customer of that
        initial and last name is theirs; none, and the order creates one; several, and
        the row is an error (the keys returned)."""
        if not rows:
            return set()
        named = {row.customer_key: _initial_and_last(row.customer_key[5:]) for row in rows}
        found: dict[tuple[str, str], list[int]] = {}
        customers = Customer.objects.for_workspace(self.workspace).filter(
            last_name__in={last for _initial, last in named.values()}
        )
        for pk, first, last in customers.values_list("pk", "first_name", "last_name"):
            found.setdefault((first[:1].upper(), last), []).append(pk)
        ambiguous: set[str] = set()
        for row in rows:
            initial, last = named[row.customer_key]
            pks = found.get((initial, last), []) if initial else []
            if len(pks) == 1:
                self._customer_of[row.customer_key] = pks[0]
            elif len(pks) > 1:
                ambiguous.add(row.customer_key)
                self.errors.add(
                    RowError(
                        row.line,
                        "customer_name",
                        _(
                            "%(name)s may be any of %(count)s customers: give them their "
                            "e-mail addresses in the file"
                        )
                        % {"name": repr(row.customer_key[5:]), "count": len(pks)},
                    )
                )
        return ambiguous

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
        given = ("workspace_id", "external_id", "email", "language", *PROFILE_FIELDS, *SEARCH_KEYS)
        rest, rest_values = defaults(Customer, given)
        new = [
            (row.customer_external_id, row.customer_email or "", row.customer_key, _profile(row))
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
                    *profile,
                    *customer_search_keys(profile[0], profile[1], email, ext_id),
                    *rest_values,
                )
                for ext_id, email, _key, profile in new
            ],
        )
        for (ext_id, email, key, _profile_values), pk in zip(new, ids, strict=True):
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
                (pk, email, _summary(profile, email, pk), _created_values(ext_id, email, profile))
                for (ext_id, email, _key, profile), pk in zip(new, ids, strict=True)
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


# The columns of a customer an order creates, in the order of `cells.PROFILE`.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "address_line",
    "city",
    "postal_code",
    "country",
)
_NO_PROFILE = ("", "", "", "", "", "", "RO")
_INITIAL = re.compile(r"^(\w)\.\s*(.+)$")


def _initial_and_last(name: str) -> tuple[str, str]:
    """`I. Popescu` → (`I`, `Popescu`); ("", name) for a name not written so."""
    match = _INITIAL.match(name.strip())
    return (match[1].upper(), match[2].strip()) if match else ("", name.strip())


def _profile(row: OrderRow) -> tuple[str, ...]:
    """The name and address a new customer gets from its order: the billing columns, or
    PrestaShop's "I. Popescu", else nothing (the model's defaults)."""
    if row.profile is not None:
        return (*row.profile[:6], row.profile[6] or "RO")
    if row.customer_key.startswith("name:"):
        initial, last = _initial_and_last(row.customer_key[5:])
        return (f"{initial}." if initial else "", last, "", "", "", "", "RO")
    return _NO_PROFILE


def _summary(profile: tuple[str, ...], email: str, pk: int) -> str:
    return f"{profile[0]} {profile[1]}".strip() or email or f"#{pk}"


def _created_values(ext_id: str | None, email: str, profile: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {"external_id": ext_id, "email": email}
    if profile != _NO_PROFILE:
        values.update({name: value for name, value in zip(PROFILE, profile, strict=True) if value})
    return values


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for key, value in values.items()
    }
