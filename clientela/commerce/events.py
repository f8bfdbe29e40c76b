"""The timeline kinds commerce writes (the import writes `order.changed` too)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Promise] = {
    "product.created": _("Product created"),
    "product.changed": _("Product changed"),
    "product.deleted": _("Product deleted"),
    "order.created": _("Order placed"),
    "order.changed": _("Order changed"),
    "order.cancelled": _("Order cancelled"),
    "order.refunded": _("Order refunded"),
    "order.deleted": _("Order deleted"),
}
