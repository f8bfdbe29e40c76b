"""Reads for customers: the keyset-paginated list with prefix search, and counts.

The list never counts the whole table and never uses `LIKE '%x%'`: it walks the
`(workspace, -id)` index page by page and matches a search as a prefix of the stored
search keys (name as "first last", last name, e-mail, external id; case and diacritics
folded by `search_key`, so "stefan" and "ȘTEFAN" both find Ștefan on SQLite and
PostgreSQL alike), served by the indexes of migration `customers.0002_search_keys`.
The web list, the API list and the exports all filter through `customers_filtered`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Collate, Substr

from clientela.accounts.models import Workspace
from clientela.customers.models import SEARCH_KEYS, Customer, CustomerEmail, Tag
from clientela.customers.normalize import InvalidEmail, normalize_email, search_key

PAGE_SIZE = 50


@dataclass(frozen=True)
class CustomerFilters:
    search: str = ""
    tag: str = ""
    language: str = ""
    has_orders: bool | None = None
    segment: str = ""  # a retention segment of the current scores


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, newest first, with the ids to continue from (None at either end)."""

    rows: list[Any]
    next_after: int | None
    previous_before: int | None


def _key(column: str) -> F | Collate:
    # Byte order ("C") makes a prefix an index range on PostgreSQL whatever the database
    # collation; SQLite compares bytes already.
    if connection.vendor == "postgresql":
        return Collate(F(column), "C")
    return F(column)


def _successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix_match(queryset: QuerySet[Customer], prefix: str) -> QuerySet[Customer]:
    """Rows where a search key starts with `prefix`, as index ranges (any number of rows)."""
    upper = _successor(prefix)
    condition = Q()
    annotations = {}
    for column in SEARCH_KEYS:
        alias = f"_key_{column}"
        annotations[alias] = _key(column)
        condition |= Q(**{f"{alias}__gte": prefix, f"{alias}__lt": upper})
    return queryset.alias(**annotations).filter(condition)


def _prefix_scan(queryset: QuerySet[Customer], prefix: str) -> QuerySet[Customer]:
    """The same rows as `_prefix_match`, tested row by row (no index range)."""
    condition = Q()
    annotations = {}
    for column in SEARCH_KEYS:
        alias = f"_head_{column}"
        annotations[alias] = Substr(column, 1, len(prefix))
        condition |= Q(**{alias: prefix})
    return queryset.alias(**annotations).filter(condition)


def customers_filtered(
    *, workspace: Workspace, filters: CustomerFilters, scan: bool = False
) -> QuerySet[Customer]:
    """The customers that pass `filters`; `scan` tests the search row by row (see below)."""
    queryset: QuerySet[Customer] = Customer.objects.for_workspace(workspace)
    prefix = search_key(filters.search)
    if prefix:
        queryset = (_prefix_scan if scan else _prefix_match)(queryset, prefix)
    if filters.tag:
        queryset = queryset.filter(tags__workspace=workspace, tags__name=filters.tag)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.has_orders is not None:
        # Orders are commerce's, an app above this one: read them through the reverse
        # relation commerce declares on Customer rather than by importing its model.
        orders = Customer._meta.get_field("orders").related_model
        has = Exists(orders._default_manager.filter(customer=OuterRef("pk")))
        queryset = queryset.filter(has if filters.has_orders else ~has)
    if filters.segment:
        # The same for the scores, which retention (an app above this one) declares on
        # Customer; its manager knows which run is current.
        scores: Any = Customer._meta.get_field("retention_scores").related_model
        current = scores._default_manager.current(workspace).filter(segment=filters.segment)
        queryset = queryset.filter(pk__in=current.values("customer_id"))
    return queryset


def keyset_page(
    queryset: QuerySet[Any],
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """Rows ordered by id descending: those below `after`, or the page just above `before`.

    Reads `size + 1` rows to know whether another page follows, so no COUNT is needed.
    """
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        more_above = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(
            rows=rows,
            next_after=rows[-1].pk if rows else None,
            previous_before=rows[0].pk if rows and more_above else None,
        )
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more_below = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_after=rows[-1].pk if rows and more_below else None,
        previous_before=rows[0].pk if rows and after is not None else None,
    )


def customer_page(
    *,
    workspace: Workspace,
    filters: CustomerFilters,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """One page of customers, newest first.

    A search is answered in one of two ways. A common prefix ("pop") matches so many rows
    that reading them all from the prefix indexes and sorting them by id costs more than
    walking the newest customers and testing each; a rare prefix is the opposite.
    PostgreSQL's planner makes that choice itself from its statistics. SQLite's always
    takes the indexes, so there the walk over the newest SCAN_WINDOW rows is tried first,
    and the indexes are used only when it does not fill the page. Both give exactly the
    newest matching rows.
    """
    if search_key(filters.search) and before is None and _walk_first():
        page = _window_page(workspace, filters, after, size)
        if page is not None:
            return page
    queryset = customers_filtered(workspace=workspace, filters=filters).prefetch_related("tags")
    return keyset_page(queryset, after=after, before=before, size=size)


SCAN_WINDOW = 5_000  # covers prefixes held by 1 customer in 100 or more


def _walk_first() -> bool:
    return connection.vendor == "sqlite"


def _window_page(
    workspace: Workspace, filters: CustomerFilters, after: int | None, size: int
) -> KeysetPage | None:
    newest: QuerySet[Customer] = Customer.objects.for_workspace(workspace)
    if after is not None:
        newest = newest.filter(pk__lt=after)
    # The id SCAN_WINDOW rows down; 0 when fewer rows are left (then the walk sees them all).
    floor = Coalesce(
        Subquery(newest.order_by("-pk").values("pk")[SCAN_WINDOW : SCAN_WINDOW + 1]), 0
    )
    scanned = customers_filtered(workspace=workspace, filters=filters, scan=True)
    scanned = scanned.filter(pk__gte=floor).prefetch_related("tags")
    page = keyset_page(scanned, after=after, size=size)
    return page if page.next_after is not None else None


def customers_count(*, workspace: Workspace) -> int:
    return Customer.objects.for_workspace(workspace).count()


def tag_names(*, workspace: Workspace) -> list[str]:
    return list(
        Tag.objects.for_workspace(workspace).order_by("name").values_list("name", flat=True)
    )


def customer_by_email(*, workspace: Workspace, address: str) -> Customer | None:
    """The customer using `address` (any of theirs, compared normalised), or None."""
    try:
        email = normalize_email(address)
    except InvalidEmail:
        return None
    row = (
        CustomerEmail.objects.for_workspace(workspace)
        .filter(address=email)
        .select_related("customer")
        .first()
    )
    return row.customer if row else None
