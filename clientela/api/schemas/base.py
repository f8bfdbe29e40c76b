from __future__ import annotations

from typing import Any


def drop_defaults(schema: dict[str, Any]) -> None:
    """For PATCH bodies: a field left out is left alone, and a published default would
    suggest otherwise."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
