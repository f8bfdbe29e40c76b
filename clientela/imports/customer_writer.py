"""Write a batch of validated customer rows: create, update or leave alone, by key.

A row finds its customer by external id, else by e-mail. A customer found by e-mail that
already has another external id is a conflict (reported, the import is rejected). Columns
absent from the file are left as they are; a present but empty text cell clears the field,
except that an empty email, external_id, country or language never clears a value.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.customers.models import Customer, CustomerEmail, Tag, search_keys_refresh
from clientela.imports.bulk import defaults, instance_rows, update_by_id
from clientela.imports.consents import consents_apply
from clientela.imports.db.base import Backend, Statistics
from clientela.imports.passes import ErrorLog
from clientela.imports.reader import RowError
from clientela.imports.schema import CustomerRow
from clientela.timeline.models import Event
from clientela.timeline.services import EVENT_COLUMNS, event_build, event_rows, events_record_many

# CSV column → model field
FIELD_OF = {
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "address": "address_line",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
    "language": "language",
}

TagThrough = Customer.tags.through


class CustomerWriter:
    def __init__(
        self,
        *,
        workspace: Workspace,
        actor: User | None,
        errors: ErrorLog,
        db: Backend,
        source: str = "",
    ) -> None:
        self.workspace = workspace
        self.actor = actor
        self.source = source  # of the consents the file records (`consents.consent_source`)
        self.errors = errors
        self.created = self.updated = self.unchanged = 0
        self._db = db
        self._statistics = db.statistics()

    def write(self, batch: list[CustomerRow]) -> None:
        ext_ids = list(dict.fromkeys(row.external_id for row in batch if row.external_id))
        emails = list(dict.fromkeys(row.email for row in batch if row.email))
        by_ext, owner_of, by_pk = self._db.customers_matching(self.workspace, ext_ids, emails)
        tags_of = self._tags_of(list(by_pk), batch)
        new: list[tuple[CustomerRow, Customer]] = []
        changed: list[tuple[Customer, dict[str, Any], dict[str, Any]]] = []
        marketing: dict[int, bool] = {}  # customer pk -> the file's answer
        for row in batch:
            customer = self._match(row, by_ext, owner_of, by_pk)
            if isinstance(customer, bool):
                continue
            if customer is None:
                new.append((row, self._build(row)))
                continue
            if row.marketing is not None:
                marketing[customer.pk] = row.marketing
            old, values = self._changes(row, customer, tags_of.get(customer.pk, ()))
            if values:
                changed.append((customer, old, values))
            else:
                self.unchanged += 1
        if self.errors.count:
            return  # the import is rejected; no point writing the rest of it
        self._create(new)
        self._update(changed, owner_of)
        for row, customer in new:
            if row.marketing is not None:
                marketing[customer.pk] = row.marketing
        consents_apply(
            workspace=self.workspace, actor=self.actor, source=self.source, wanted=marketing
        )

    def _match(
        self,
        row: CustomerRow,
        by_ext: dict[str | None, Customer],
        owner_of: dict[str, int],
        by_pk: dict[int, Customer],
    ) -> Customer | bool | None:
        """The customer this row describes, None for a new one, False for a conflict."""
        owner = owner_of.get(row.email) if row.email else None
        customer = by_ext.get(row.external_id) if row.external_id else None
        if customer is not None:
            if owner is not None and owner != customer.pk:
                return self._conflict(row, "email", _("is the e-mail of another customer"))
            return customer
        if owner is None:
            return None
        customer = by_pk[owner]
        if row.external_id and customer.external_id:
            return self._conflict(
                row,
                "email",
                _("belongs to the customer with external id %(other)s")
                % {"other": repr(customer.external_id)},
            )
        return customer

    def _conflict(self, row: CustomerRow, column: str, reason: str) -> bool:
        """Record the conflict; return False (a customer that must not be written)."""
        self.errors.add(RowError(row.line, column, reason))
        return False

    def _tags_of(self, pks: list[int], batch: list[CustomerRow]) -> dict[int, tuple[str, ...]]:
        if not pks or all(row.tags is None for row in batch):
            return {}
        found: dict[int, list[str]] = {}
        pairs = TagThrough.objects.filter(customer_id__in=pks).values_list(
            "customer_id", "tag__name"
        )
        for pk, name in pairs:
            found.setdefault(pk, []).append(name)
        return {pk: tuple(sorted(names)) for pk, names in found.items()}

    def _build(self, row: CustomerRow) -> Customer:
        fields = {FIELD_OF[name]: value for name, value in row.values.items()}
        fields.setdefault("language", self.workspace.default_language)
        return Customer(
            workspace=self.workspace, external_id=row.external_id, email=row.email or "", **fields
        )

    def _changes(
        self, row: CustomerRow, customer: Customer, tags: tuple[str, ...]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        wanted: dict[str, Any] = {FIELD_OF[name]: value for name, value in row.values.items()}
        if row.email:
            wanted["email"] = row.email
        if row.external_id:
            wanted["external_id"] = row.external_id
        old = {f: getattr(customer, f) for f, v in wanted.items() if getattr(customer, f) != v}
        new = {field: wanted[field] for field in old}
        if row.tags is not None and row.tags != tags:
            old["tags"], new["tags"] = list(tags), list(row.tags)
        return old, new

    def _create(self, new: list[tuple[CustomerRow, Customer]]) -> None:
        """Insert the customers, their addresses and `customer.created` rows, in bulk SQL.

        The rows are those `Customer.objects.bulk_create` and `event_build` would write
        (tested against them), without the ORM's compiling of every value of every row,
        which took two thirds of a 100,000-customer import.
        """
        if not new:
            return
        ws = self.workspace
        customers = [customer for _, customer in new]
        for customer in customers:
            customer.search_keys_fill()
        columns, rows = instance_rows(Customer, customers)
        for customer, pk in zip(
            customers, self._db.insert_returning_ids(Customer, columns, rows), strict=True
        ):
            customer.pk = pk
            customer._state.adding = False
        self._tags_set({c.pk: row.tags for (row, _), c in zip(new, customers, strict=True)})
        self.created += len(customers)
        self._statistics.added(Customer, len(customers))
        customers_created_record(
            workspace=ws,
            actor=self.actor,
            db=self._db,
            statistics=self._statistics,
            created=[
                (c.pk, c.email, c.display_name, {"email": c.email, **row.values})
                for (row, _), c in zip(new, customers, strict=True)
            ],
        )

    def _update(
        self,
        changed: list[tuple[Customer, dict[str, Any], dict[str, Any]]],
        owner_of: dict[str, int],
    ) -> None:
        if not changed:
            return
        now = timezone.now()
        fields: set[str] = {"updated_at"}
        for customer, _old, new in changed:
            for field, value in new.items():
                if field != "tags":
                    setattr(customer, field, value)
                    fields.add(field)
            customer.updated_at = now
        customers = [c for c, _, _ in changed]
        update_by_id(
            Customer, self.workspace.pk, search_keys_refresh(customers, sorted(fields)), customers
        )
        self._emails_set([(c, new["email"]) for c, _, new in changed if "email" in new], owner_of)
        self._tags_set({c.pk: new["tags"] for c, _, new in changed if "tags" in new}, replace=True)
        self.updated += len(changed)
        events_record_many(self._event("customer.changed", c, old, new) for c, old, new in changed)

    def _emails_set(self, pairs: list[tuple[Customer, str]], owner_of: dict[str, int]) -> None:
        if not pairs:
            return
        emails = CustomerEmail.objects.for_workspace(self.workspace)
        emails.filter(customer__in=[c for c, _ in pairs]).update(is_primary=False)
        emails.filter(address__in=[a for c, a in pairs if owner_of.get(a) == c.pk]).update(
            is_primary=True
        )
        added = CustomerEmail.objects.bulk_create(
            CustomerEmail(workspace=self.workspace, customer=c, address=a, is_primary=True)
            for c, a in pairs
            if owner_of.get(a) != c.pk
        )
        self._statistics.added(CustomerEmail, len(added))

    def _tags_set(self, wanted: dict[int, Any], replace: bool = False) -> None:
        wanted = {pk: names for pk, names in wanted.items() if names is not None}
        if replace:
            TagThrough.objects.filter(customer_id__in=list(wanted)).delete()
        names = {name for tags in wanted.values() for name in tags}
        if not names:
            return
        tags = Tag.objects.for_workspace(self.workspace)
        known = set(tags.filter(name__in=names).values_list("name", flat=True))
        Tag.objects.bulk_create(Tag(workspace=self.workspace, name=n) for n in names - known)
        tag_pk = dict(tags.filter(name__in=names).values_list("name", "pk"))
        TagThrough.objects.bulk_create(
            TagThrough(customer_id=pk, tag_id=tag_pk[name])
            for pk, tags_of in wanted.items()
            for name in tags_of
        )

    def _event(
        self, kind: str, customer: Customer, old: dict[str, Any] | None, new: dict[str, Any]
    ) -> Event:
        return event_build(
            workspace=self.workspace,
            actor=self.actor,
            actor_label="import",
            kind=kind,
            subject=customer,
            customer=customer,
            summary=customer.display_name,
            old=old,
            new=new,
        )


def customers_created_record(
    *,
    workspace: Workspace,
    actor: User | None,
    db: Backend,
    statistics: Statistics,
    created: list[tuple[int, str, str, dict[str, Any]]],
) -> None:
    """For customers an import has just inserted: their primary addresses and their
    `customer.created` rows, in bulk SQL (the rows `bulk_create` and `event_build` would
    write). `created` holds (pk, e-mail or "", timeline summary, new values) per customer.
    """
    email_given = ("workspace_id", "customer_id", "address", "is_primary")
    email_rest, email_rest_values = defaults(CustomerEmail, email_given)
    emails = [
        (workspace.pk, pk, email, True, *email_rest_values) for pk, email, _, _ in created if email
    ]
    db.insert_rows(CustomerEmail, (*email_given, *email_rest), emails)
    statistics.added(CustomerEmail, len(emails))
    events = event_rows(
        workspace=workspace,
        actor=actor,
        actor_label="import",
        kind="customer.created",
        subject_type=Customer._meta.model_name or "",
        items=((pk, pk, summary, None, values) for pk, _, summary, values in created),
    )
    event_rest, event_rest_values = defaults(Event, EVENT_COLUMNS)
    db.insert_rows(
        Event, (*EVENT_COLUMNS, *event_rest), [(*row, *event_rest_values) for row in events]
    )
