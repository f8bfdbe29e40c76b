"""The export links of the list pages: who sees one, and which of the list's parameters an
export keeps."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from clientela.accounts.policy import Rule, allows
from clientela.web.access import WorkspaceRequest

# The lists' own filters; their paging cursors do not narrow an export.
CUSTOMER_FILTERS = ("q", "tag", "language", "orders", "segment")
ORDER_FILTERS = ("status", "placed_from", "placed_to")


def export_query(query: QueryDict, names: tuple[str, ...]) -> str:
    """The query string of the export link: the list's filters that are set."""
    kept = QueryDict(mutable=True)
    for name in names:
        value = query.get(name)
        if value:
            kept[name] = str(value)
    return kept.urlencode()


def export_link(request: WorkspaceRequest, rule: Rule, names: tuple[str, ...]) -> dict[str, Any]:
    """The context of a list's export link: shown if the member may export (`rule`, the
    imports app's), and the query string that carries the list's filters over."""
    return {
        "can_export": allows(request.membership, rule),
        "export_query": export_query(request.GET, names),
    }
