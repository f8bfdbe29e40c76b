"""The minimum role for each operation on the workspace's delivery."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# Pausing (or resuming) stops (or lets out) every message of the workspace.
DELIVERY_PAUSE_SET = Rule("delivery.pause_set", Role.MANAGER)
