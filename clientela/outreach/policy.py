"""The minimum role for each outreach operation (reading templates, campaigns, letters and
lists, and printing them: any member)."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# The thank-you and win-back switches, delays, thresholds and holdouts.
AUTOMATIONS_UPDATE = Rule("automations.update", Role.MANAGER)
TEMPLATE_CREATE = Rule("template.create", Role.MANAGER)
TEMPLATE_UPDATE = Rule("template.update", Role.MANAGER)
# A test goes to the caller's own address, but it is still mail sent in the shop's name.
TEMPLATE_TEST_SEND = Rule("template.test_send", Role.MANAGER)
CAMPAIGN_CREATE = Rule("campaign.create", Role.MANAGER)
CAMPAIGN_UPDATE = Rule("campaign.update", Role.MANAGER)
CAMPAIGN_TEST_SEND = Rule("campaign.test_send", Role.MANAGER)
# The campaign's transitions (`clientela.outreach.services.campaigns.TRANSITIONS`).
CAMPAIGN_SEND = Rule("campaign.send", Role.MANAGER)
CAMPAIGN_SCHEDULE = Rule("campaign.schedule", Role.MANAGER)
CAMPAIGN_UNSCHEDULE = Rule("campaign.unschedule", Role.MANAGER)
CAMPAIGN_PAUSE = Rule("campaign.pause", Role.MANAGER)
CAMPAIGN_RESUME = Rule("campaign.resume", Role.MANAGER)
CAMPAIGN_CANCEL = Rule("campaign.cancel", Role.MANAGER)
# Writing the letters by hand is the staff's everyday work.
LETTER_DONE = Rule("letter.done", Role.AGENT)
MAILING_LIST_CREATE = Rule("mailing_list.create", Role.MANAGER)
