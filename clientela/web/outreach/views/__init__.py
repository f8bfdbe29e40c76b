"""Outreach pages, one module per subject: automations, templates, campaigns, letters, lists,
and the public pages the shop's customers reach from their e-mails."""
