"""The minimum role for each operation on complaint cases."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

CASE_VIEW = Rule("care.case_view", Role.AGENT)
CASE_OPEN = Rule("care.case_open", Role.AGENT)
CASE_WORK = Rule("care.case_work", Role.AGENT)
CASE_REVIEW = Rule("care.case_review", Role.AGENT)
# Choosing recovery or fact-based handling against the score is a manager's call.
HANDLING_OVERRIDE = Rule("care.handling_override", Role.MANAGER)
CARE_SETTINGS_UPDATE = Rule("care.settings_update", Role.MANAGER)
CARE_REPORT_VIEW = Rule("care.report_view", Role.AGENT)
