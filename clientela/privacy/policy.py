"""The minimum role for a customer's rights: export, erasure, the retention period."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# Everything held about one person, in one file: as much as an export of the list, a manager's.
CUSTOMER_DATA_EXPORT = Rule("customer.data_export", Role.MANAGER)
# Irreversible, like deleting a customer: a manager's or the owner's.
CUSTOMER_ERASE = Rule("customer.erase", Role.MANAGER)
# Erases customers by itself once set: the owner's decision.
PRIVACY_SETTINGS_UPDATE = Rule("privacy.settings_update", Role.OWNER)
