"""Automation settings: the thank-you switch and delay live in mail's `DeliverySettings`,
everything else (handwritten threshold, win-back thresholds, holdout percents) here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.mail.models import DeliverySettings
from clientela.mail.selectors import delivery_settings_for
from clientela.outreach.models import AutomationSettings
from clientela.outreach.policy import AUTOMATIONS_UPDATE
from clientela.timeline.services import changed_fields, event_record

DELIVERY_FIELDS = ("thank_you_enabled", "thank_you_delay_days")
OWN_FIELDS = (
    "handwritten_threshold",
    "thank_you_holdout_percent",
    "win_back_enabled",
    "win_back_p_alive",
    "win_back_overdue_factor",
    "win_back_cooldown_days",
    "win_back_holdout_percent",
    "uplift_days",
)


class SettingsInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Automations:
    delivery: DeliverySettings
    own: AutomationSettings

    def value(self, field: str) -> Any:
        return getattr(self.delivery if field in DELIVERY_FIELDS else self.own, field)


def automations_get(workspace: Workspace) -> Automations:
    """The saved settings, or the defaults (unsaved) for a workspace that has none yet."""
    return Automations(
        delivery_settings_for(workspace), settings_for(AutomationSettings, workspace)
    )


def _check(values: dict[str, Any]) -> None:
    limits = {
        "thank_you_delay_days": (0, 365),
        "handwritten_threshold": (0, 100_000),
        "thank_you_holdout_percent": (0, 50),
        "win_back_holdout_percent": (0, 50),
        "win_back_p_alive": (0, 1),
        "win_back_overdue_factor": (1, 100),
        "win_back_cooldown_days": (1, 3650),
        "uplift_days": (1, 365),
    }
    for field, (low, high) in limits.items():
        if field in values and not low <= values[field] <= high:
            raise SettingsInvalid(
                field,
                _("%(field)s must be between %(low)s and %(high)s")
                % {"field": field, "low": low, "high": high},
            )


@transaction.atomic
def automations_update(*, workspace: Workspace, actor: User | None, **values: Any) -> Automations:
    permit(actor=actor, workspace=workspace, rule=AUTOMATIONS_UPDATE)
    unknown = set(values) - set(DELIVERY_FIELDS) - set(OWN_FIELDS)
    if unknown:
        raise SettingsInvalid(sorted(unknown)[0], _("Unknown setting"))
    _check(values)
    current = automations_get(workspace)
    old_all: dict[str, Any] = {}
    new_all: dict[str, Any] = {}
    for row, fields in ((current.delivery, DELIVERY_FIELDS), (current.own, OWN_FIELDS)):
        old, new = changed_fields(row, {k: v for k, v in values.items() if k in fields})
        if not new and row.pk:
            continue
        for field, value in new.items():
            setattr(row, field, value)
        row.updated_at = timezone.now()
        row.save()
        old_all.update(old)
        new_all.update(new)
    if new_all:
        event_record(
            workspace=workspace,
            actor=actor,
            kind="automations.changed",
            subject_type="automationsettings",
            subject_id=current.own.pk,
            old=old_all,
            new=new_all,
        )
    return current
