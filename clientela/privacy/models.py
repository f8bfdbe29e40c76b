"""A workspace's retention period: after it, a silent customer's personal data are erased."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.accounts.scoping import WorkspaceSettings

# The shortest and the longest period a workspace may set, in days.
RETENTION_DAYS_MIN = 180
RETENTION_DAYS_MAX = 36_500


class PrivacySettings(WorkspaceSettings):
    """Read through `settings_for`; a workspace without a row erases nothing by itself."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    # None: off. Otherwise a customer with no order, no consent given and no new record
    # for this many days has their personal data erased by the daily sweep.
    retention_days = models.PositiveIntegerField(_("retention period in days"), null=True)
