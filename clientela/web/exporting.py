"""The export links of the list pages: which of the list's parameters an export keeps."""

from __future__ import annotations

from django.http import QueryDict

# The lists' own filters; their paging cursors do not narrow an export.
CUSTOMER_FILTERS = ("q", "tag", "language", "orders")
ORDER_FILTERS = ("status", "placed_from", "placed_to")


def export_query(query: QueryDict, names: tuple[str, ...]) -> str:
    """The query string of the export link: the list's filters that are set."""
    kept = QueryDict(mutable=True)
    for name in names:
        value = query.get(name)
        if value:
            kept[name] = str(value)
    return kept.urlencode()
