"""The minimum role for each operation of the imports app: CSV imports and exports."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# An import creates and changes customers and orders in bulk; changing orders is a
# manager's (commerce/policy.py), so importing them is too.
IMPORT_START = Rule("import.start", Role.MANAGER)
# An export takes every matching customer's personal data, or every order, out in bulk.
CUSTOMER_EXPORT = Rule("customer.export", Role.MANAGER)
ORDER_EXPORT = Rule("order.export", Role.MANAGER)
