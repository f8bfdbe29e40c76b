"""The minimum role for each operation of the retention engine (reading scores: any member)."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

RETENTION_REFRESH = Rule("retention.refresh", Role.MANAGER)
RETENTION_VALIDATE = Rule("retention.validate", Role.MANAGER)
RETENTION_SETTINGS_UPDATE = Rule("retention.settings_update", Role.MANAGER)
