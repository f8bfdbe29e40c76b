"""Outreach: message templates, the thank-you and win-back automations, handwritten letters,
campaigns, mailing lists and their consent, and the uplift measured against holdout groups.

Outreach decides what to say and to whom; `clientela.mail` delivers it. Every message becomes
an outbox row written through mail's services, after `mail.contact_allowed` said yes.
"""
