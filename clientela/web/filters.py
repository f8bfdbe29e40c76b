"""The filter forms of the list pages (customers, orders) and of their CSV exports."""

from __future__ import annotations

from typing import Any, Self

from django import forms
from django.http import QueryDict


class FilterForm(forms.Form):
    """A list's filters, read from its query string."""

    @classmethod
    def of(cls, query: QueryDict) -> Self:
        """The form of `query`, validated; a query it refuses (an address edited by hand)
        reads as no filter at all rather than as an error page."""
        form = cls(query)
        if not form.is_valid():
            form = cls({})
            form.is_valid()
        return form

    def position(self) -> dict[str, Any]:
        """Where the page starts or ends (`after`, `before`: the keyset cursors), for the
        list's page selector."""
        return {"after": self.cleaned_data["after"], "before": self.cleaned_data["before"]}
