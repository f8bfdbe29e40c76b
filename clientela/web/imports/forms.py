"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientela.imports.encodings import CP1250, ISO_8859_2, UTF8
from clientela.imports.models import ImportKind

ENCODING_CHOICES = [
    ("", _("Detect it")),
    (UTF8, "UTF-8"),
    (CP1250, _("Windows-1250 (Excel in Romanian)")),
    (ISO_8859_2, "ISO-8859-2"),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV file"))
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        choices=ENCODING_CHOICES,
        required=False,
        help_text=_("Leave it to be detected unless the letters come out wrong."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Choose a .csv file."))
        return upload
