"""Readable names for timeline event kinds, gathered from each app's `events.py`.

Every app lists the kinds it records with their labels; this module puts them together so
that a customer's timeline and the audit trail never show a raw kind such as
`outreach.mail_sent` (tests/web/test_event_labels.py scans the code and fails on a kind
without a label, or on a kind two apps label).
"""

from __future__ import annotations

from django.utils.functional import Promise

from clientela.accounts import events as accounts
from clientela.care import events as care
from clientela.commerce import events as commerce
from clientela.customers import events as customers
from clientela.forwarding import events as forwarding
from clientela.imports import events as imports
from clientela.inbox import events as inbox
from clientela.mail import events as mail
from clientela.outreach import events as outreach
from clientela.privacy import events as privacy
from clientela.retention import events as retention
from clientela.rewards import events as rewards

APPS = (
    accounts,
    customers,
    commerce,
    imports,
    mail,
    retention,
    outreach,
    inbox,
    forwarding,
    care,
    rewards,
    privacy,
)

EVENT_LABELS: dict[str, str | Promise] = {
    kind: label for app in APPS for kind, label in app.EVENT_LABELS.items()
}


def event_label(kind: str) -> str | Promise:
    """The readable name of `kind`, or the kind itself when none is registered."""
    return EVENT_LABELS.get(kind, kind)
