"""The minimum role for each inbox operation."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# --- The waiting clock (who is waiting, response times, hours, holidays, targets) ---
# Seeing who waits and how fast the shop answers: any member.
CLOCK_VIEW = Rule("inbox.clock_view", Role.VIEWER)
# Taking a wait on (becoming the one the first nudge goes to): the staff who answer.
CLOCK_ASSIGN = Rule("inbox.clock_assign", Role.AGENT)
# Business hours, holidays and escalation delay.
CLOCK_SETTINGS_UPDATE = Rule("inbox.clock_settings_update", Role.MANAGER)
# Response targets per channel and customer group.
SLA_TARGET_UPDATE = Rule("inbox.sla_target_update", Role.MANAGER)
# --- end of the waiting clock ---
