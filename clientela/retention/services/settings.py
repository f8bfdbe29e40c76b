"""A workspace's retention settings: the gross margin and discount rate its CLV uses, and the
purchase model its refreshes fit (automatic: the best on its own holdout, or one pinned)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.models import User, Workspace
from clientela.accounts.policy import permit
from clientela.accounts.scoping import settings_for
from clientela.retention.models import AUTOMATIC, RetentionModel, RetentionSettings
from clientela.retention.policy import RETENTION_SETTINGS_UPDATE
from clientela.timeline.services import event_record

FOUR_PLACES = Decimal("0.0001")


def retention_settings_for(workspace: Workspace) -> RetentionSettings:
    """The saved settings, or the defaults (unsaved) for a workspace that has none yet."""
    return settings_for(RetentionSettings, workspace)


@transaction.atomic
def retention_settings_update(
    *,
    workspace: Workspace,
    actor: User | None,
    clv_margin: Decimal | float | None = None,
    clv_annual_discount: Decimal | float | None = None,
    model: str | None = None,
) -> RetentionSettings:
    """Save the values given (None keeps the current one), to four decimals; raises django's
    ValidationError for a margin outside (0, 1] or a discount rate outside [0, 1), or a
    `model` that is neither AUTOMATIC nor a RetentionModel. The next refresh uses them."""
    permit(actor=actor, workspace=workspace, rule=RETENTION_SETTINGS_UPDATE)
    settings = retention_settings_for(workspace)
    old = settings.as_dict()
    if model is not None:
        if model != AUTOMATIC and model not in RetentionModel.values:
            raise ValidationError({"model": [_("Choose automatic or one of the models.")]})
        settings.model = model
    if clv_margin is not None:
        settings.clv_margin = _four_places(clv_margin)
    if clv_annual_discount is not None:
        settings.clv_annual_discount = _four_places(clv_annual_discount)
    settings.updated_at = timezone.now()
    settings.full_clean(exclude=["workspace"], validate_constraints=False)
    settings.save()
    new = settings.as_dict()
    if old["model"] == new["model"] == AUTOMATIC:
        # A shop that never pinned a model: its row says what changed, the CLV basis.
        del old["model"], new["model"]
    event_record(
        workspace=workspace,
        actor=actor,
        kind="retention.settings_updated",
        subject=settings,
        old=old,
        new=new,
    )
    return settings


def _four_places(value: Decimal | float) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary expansion.
    return Decimal(str(value)).quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN)
