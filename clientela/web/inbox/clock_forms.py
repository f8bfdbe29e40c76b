"""Forms of the waiting clock's pages. They only parse; the services decide."""

from __future__ import annotations

import itertools
import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.inbox.services.clock_settings import MAX_HOLIDAY_EDITS, MAX_TARGET_MINUTES
from clientela.retention.models import Segment

DAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
CHANNELS = (
    ("", _("Any channel")),
    ("email", _("E-mail")),
    ("form", _("Web form")),
    ("api", _("API")),
)
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def hours_text(day: list[list[int]]) -> str:
    """[[540, 1020]] -> "09:00-17:00"."""
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in day)


def _minute(h: str, m: str) -> int:
    hour, minute = int(h), int(m)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise forms.ValidationError(_("Write times as 09:00, up to 24:00."))
    return hour * 60 + minute


def _hours(text: str) -> list[tuple[int, int]]:
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = _SPAN.match(part)
        if not found:
            raise forms.ValidationError(_("Write hours as 09:00-13:00, 14:00-18:00."))
        start, end = _minute(*found.groups()[:2]), _minute(*found.groups()[2:])
        if start >= end:
            raise forms.ValidationError(_("Each interval must end after it starts."))
        spans.append((start, end))
    spans.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
        raise forms.ValidationError(_("The intervals of a day must not overlap."))
    return spans


def _dates(text: str) -> list[date]:
    days = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        try:
            days.append(date.fromisoformat(line))
        except ValueError as error:
            raise forms.ValidationError(
                _("“%(line)s” is not a date like 2026-12-24.") % {"line": line[:20]}
            ) from error
    if len(days) > MAX_HOLIDAY_EDITS:
        raise forms.ValidationError(_("Too many days."))
    return days


class ClockSettingsForm(forms.Form):
    holiday_country = forms.BooleanField(label=_("Romanian public holidays"), required=False)
    holidays_added = forms.CharField(
        label=_("Also closed on"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, like 2026-12-24."),
    )
    holidays_removed = forms.CharField(
        label=_("Open on these public holidays"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, like 2026-12-26."),
    )
    default_target_minutes = forms.IntegerField(
        label=_("Answer within (business minutes)"), min_value=1, max_value=MAX_TARGET_MINUTES
    )
    escalate_after_minutes = forms.IntegerField(
        label=_("Tell the managers after the target plus (business minutes)"),
        min_value=0,
        max_value=MAX_TARGET_MINUTES,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for index, name in enumerate(DAYS):
            self.fields[f"day_{index}"] = forms.CharField(
                label=name, required=False, max_length=100
            )
        self.order_fields([f"day_{index}" for index in range(7)])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        week = []
        for index in range(7):
            try:
                week.append(_hours(str(data.get(f"day_{index}", ""))))
            except forms.ValidationError as error:
                self.add_error(f"day_{index}", error)
        data["hours"] = week
        for name in ("holidays_added", "holidays_removed"):
            try:
                data[f"{name}_days"] = _dates(str(data.get(name, "")))
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


class TargetForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS, required=False)
    segment = forms.ChoiceField(
        label=_("Customer group"),
        choices=[("", _("Any customer")), *Segment.choices],
        required=False,
    )
    minutes = forms.IntegerField(
        label=_("Answer within (business minutes)"), min_value=1, max_value=MAX_TARGET_MINUTES
    )
