"""The minimum role for each operation of the inbox: conversations and the waiting clock."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# Agents answer customers: replies, notes, assignment and statuses.
CONVERSATION_REPLY = Rule("conversation.reply", Role.AGENT)
CONVERSATION_NOTE = Rule("conversation.note", Role.AGENT)
CONVERSATION_ASSIGN = Rule("conversation.assign", Role.AGENT)
CONVERSATION_STATUS = Rule("conversation.status", Role.AGENT)
CONVERSATION_LINK = Rule("conversation.link", Role.AGENT)
# Where mail comes from (the support address, the form, a mailbox's password): managers.
INBOX_SETTINGS_UPDATE = Rule("inbox.settings_update", Role.MANAGER)
# Recording a customer's message that came by another road (a phone call typed in, a chat
# platform) through the API: agents, as they answer.
MESSAGE_RECORD = Rule("message.record", Role.AGENT)
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
