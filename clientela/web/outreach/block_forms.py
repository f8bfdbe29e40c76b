"""The forms of the brochure editor: one per kind of block, and the version's subject."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from clientela.outreach.content import BLOCK_FIELDS, REQUIRED

BLOCK_LABELS = {
    "heading": gettext_lazy("Heading"),
    "text": gettext_lazy("Text"),
    "product": gettext_lazy("Product"),
    "promotion": gettext_lazy("Promotion"),
    "button": gettext_lazy("Button"),
}
_FIELD_LABELS = {
    "text": gettext_lazy("Text"),
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "price": gettext_lazy("Price"),
    "currency": gettext_lazy("Currency"),
    "image": gettext_lazy("Image (PNG, JPEG or GIF, at most 2 MB)"),
    "url": gettext_lazy("Link (https://…)"),
    "discount": gettext_lazy("Discount"),
    "starts_on": gettext_lazy("Starts on"),
    "ends_on": gettext_lazy("Ends on"),
    "label": gettext_lazy("Button text"),
}
# Fields that take a variable from the list get the marker the insert script looks for.
_WRITABLE = {"text", "name", "description", "discount", "label"}


class BlockForm(forms.Form):
    """The fields of one kind of block; `image` is an upload, the rest text."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, limit in BLOCK_FIELDS[kind].items():
            label = _FIELD_LABELS[name]
            required = REQUIRED[kind] == name or (kind == "button" and name == "url")
            field: forms.Field
            if name == "image":
                field = forms.ImageField(label=label, required=False)
            elif name in ("starts_on", "ends_on"):
                field = forms.DateField(
                    label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
                )
            elif name in ("text", "description") and limit > 200:
                field = forms.CharField(
                    label=label,
                    max_length=limit,
                    required=required,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                field = forms.CharField(label=label, max_length=limit, required=required)
            if name in _WRITABLE:
                field.widget.attrs["data-variables"] = ""
            self.fields[name] = field

    def block(self, keep_image: str = "") -> dict[str, str]:
        """The cleaned block (without the upload: the view stores it and sets `image`)."""
        out = {"type": self.kind}
        for name in BLOCK_FIELDS[self.kind]:
            value = self.cleaned_data.get(name)
            if name == "image":
                out[name] = keep_image
            elif name in ("starts_on", "ends_on"):
                out[name] = value.isoformat() if value else ""
            else:
                out[name] = value or ""
        return out


class VersionForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=300,
        widget=forms.TextInput(attrs={"data-variables": ""}),
    )
    body_text = forms.CharField(
        label=gettext_lazy("Plain text (optional)"),
        help_text=gettext_lazy("Leave empty and the plain-text part is written from the blocks."),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4, "data-variables": ""}),
    )
