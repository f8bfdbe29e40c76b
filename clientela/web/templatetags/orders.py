"""Filters of the order pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity with the decimals it has (1,5 and 2, not 1,500 and 2,000), localised."""
    if value is None:
        return ""
    text = f"{value:f}"
    decimals = len(text.partition(".")[2].rstrip("0"))
    return floatformat(value, f"{decimals}g")
