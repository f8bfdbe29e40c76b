"""Outreach content: templates, thank-you and win-back automations, handwritten letters,
campaigns, mailing lists and consent, and the uplift measured against holdout groups.

The delivery core (outbox, SMTP, bounces, suppression) lives beside it in
`clientela.outreach.delivery`; this package only writes outbox rows and reads their state.
"""
