"""Keyset pagination, newest first: `{"items": [...], "next": "<cursor>" | null}`.

Pages are cut on the primary key, so rows added while a client walks the list neither
repeat nor vanish between pages, and a deep page costs what the first one does.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import ConfigDict, Field

from clientela.api.types import Cursor, Limit

M = TypeVar("M", bound=Model)


def _query_schema(schema: dict[str, Any]) -> None:
    # An absent query parameter is `None` in Python, but a query string cannot carry
    # null: publish each optional parameter as its plain type, without a null branch.
    for name, prop in schema.get("properties", {}).items():
        branches = prop.get("anyOf")
        if branches and {"type": "null"} in branches and len(branches) == 2:
            rest = dict(prop)
            del rest["anyOf"]
            rest.pop("default", None)
            schema["properties"][name] = {
                **next(b for b in branches if b != {"type": "null"}),
                **rest,
            }


class PageParams(Schema):
    """Query parameters of every list; filters extend it."""

    model_config = ConfigDict(json_schema_extra=_query_schema)

    limit: Limit = 50
    cursor: Cursor | None = None


class PageOut(Schema):
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


def page_of(queryset: QuerySet[M], params: PageParams) -> dict[str, Any]:
    """One page of `queryset`, ordered by descending id, and the cursor of the next one."""
    rows = queryset.order_by("-pk")
    if params.cursor is not None:
        rows = rows.filter(pk__lt=int(params.cursor))
    items = list(rows[: params.limit + 1])
    has_more = len(items) > params.limit
    items = items[: params.limit]
    return {"items": items, "next": str(items[-1].pk) if has_more else None}
