"""The minimum role for each operation on forwarding aliases and their settings."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

ALIAS_VIEW = Rule("alias.view", Role.AGENT)
# An alias sends a customer's mail on to them for good: a manager's decision.
ALIAS_GRANT = Rule("alias.grant", Role.MANAGER)
ALIAS_REVOKE = Rule("alias.revoke", Role.MANAGER)
# Domains decide what mail the install takes for the workspace: the owner's.
FORWARDING_SETTINGS_UPDATE = Rule("forwarding.settings_update", Role.OWNER)
