"""The minimum role for each operation on customers, their addresses, tags and consents."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

CUSTOMER_CREATE = Rule("customer.create", Role.AGENT)
CUSTOMER_UPDATE = Rule("customer.update", Role.AGENT)
CUSTOMER_TAGS_SET = Rule("customer.tags_set", Role.AGENT)
# The customer goes with their orders and history: as much as deleting orders, a manager's.
CUSTOMER_DELETE = Rule("customer.delete", Role.MANAGER)
CUSTOMER_EMAIL_CHANGE = Rule("customer.email_change", Role.AGENT)  # add, make primary, remove
CONSENT_GRANT = Rule("consent.grant", Role.AGENT)
CONSENT_WITHDRAW = Rule("consent.withdraw", Role.AGENT)
