"""The one way to write history: every state change calls `event_record`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from clientela.timeline.models import Event

if TYPE_CHECKING:
    from clientela.accounts.models import User, Workspace
    from clientela.customers.models import Customer


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        key: value
        if isinstance(value, (str, int, float, bool, type(None), list, dict))
        else str(value)
        for key, value in values.items()
    }


def event_build(
    *,
    workspace: Workspace,
    kind: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    actor: User | None = None,
    actor_label: str = "",
    customer: Customer | None = None,
    customer_id: int | None = None,
    summary: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> Event:
    """An unsaved event, for callers that insert many at once with `bulk_create`."""
    if subject is not None:
        subject_type = subject._meta.model_name or ""
        subject_id = subject.pk
    return Event(
        workspace=workspace,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        customer=customer,
        customer_id=customer_id if customer is None else customer.pk,
        summary=summary[:500],
        old=_jsonable(old),
        new=_jsonable(new),
    )


# The events recorded inside `events_deferred`, waiting for its one insert.
_pending: ContextVar[list[Event] | None] = ContextVar("timeline_pending", default=None)


def event_record(**kwargs: Any) -> Event:
    """Write one timeline row (who, what, old and new values). Takes `event_build`'s arguments.
    Inside `events_deferred` the row is written when that block ends."""
    event = event_build(**kwargs)
    pending = _pending.get()
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


@contextmanager
def events_deferred() -> Iterator[None]:
    """Collect the events recorded inside the block and insert them in one statement when it
    ends without an error: a change that records several (a message from a new customer: the
    customer, the message, the wait) pays one insert. Use it inside the change's transaction,
    around code that does not read back the timeline rows it writes."""
    pending: list[Event] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        events_record_many(pending)


def events_record_many(events: Iterable[Event], *, batch_size: int = 2000) -> int:
    created = Event.objects.bulk_create(list(events), batch_size=batch_size)
    return len(created)


# The columns of `event_rows`; `at` (and the id) are left to the table's defaults.
EVENT_COLUMNS = (
    "workspace_id",
    "actor_id",
    "actor_label",
    "kind",
    "subject_type",
    "subject_id",
    "customer_id",
    "summary",
    "old",
    "new",
)
EventItem = tuple[int | None, int | None, str, dict[str, Any] | None, dict[str, Any] | None]


def event_rows(
    *,
    workspace: Workspace,
    kind: str,
    subject_type: str,
    items: Iterable[EventItem],
    actor: User | None = None,
    actor_label: str = "",
) -> list[tuple[Any, ...]]:
    """The rows `event_build` would give, for writers that insert many without instances.

    One row of EVENT_COLUMNS per (subject_id, customer_id, summary, old, new), with the
    values prepared for the database as the model's fields would prepare them; the caller
    inserts them in the same transaction as the change they record (the orders import).
    """
    label = actor_label or ("" if actor else "system")
    actor_id = actor.pk if actor is not None else None
    field = Event._meta.get_field("new")
    prepare = field.get_db_prep_save

    def json(value: dict[str, Any] | None) -> Any:
        return prepare(_jsonable(value), connection)

    return [
        (
            workspace.pk,
            actor_id,
            label,
            kind,
            subject_type,
            subject_id,
            customer_id,
            summary[:500],
            json(old),
            json(new),
        )
        for subject_id, customer_id, summary, old, new in items
    ]


def changed_fields(
    instance: models.Model, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Old and new values of the fields that `values` would really change on `instance`."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in values.items():
        current = getattr(instance, field)
        if current != value:
            old[field] = current
            new[field] = value
    return old, new
