"""The minimum role for each operation on products and orders."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

PRODUCT_CREATE = Rule("product.create", Role.MANAGER)
PRODUCT_UPDATE = Rule("product.update", Role.MANAGER)
PRODUCT_DELETE = Rule("product.delete", Role.MANAGER)
ORDER_CREATE = Rule("order.create", Role.MANAGER)
ORDER_UPDATE = Rule("order.update", Role.MANAGER)
ORDER_DELETE = Rule("order.delete", Role.MANAGER)
