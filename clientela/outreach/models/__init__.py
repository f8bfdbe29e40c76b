"""Outreach models. Delivery (outbox, suppression) lives in `delivery`; content in `content`."""

from clientela.outreach.models.content import *  # noqa: F403  (content models)
from clientela.outreach.models.delivery import (
    PRIORITY,
    DeliveryInstance,
    DeliverySettings,
    Outbox,
    OutboxKind,
    OutboxStatus,
    PauseReason,
    RelayBucket,
    SuppressedAddress,
    SuppressionReason,
)

__all__ = [
    "PRIORITY",
    "DeliveryInstance",
    "DeliverySettings",
    "Outbox",
    "OutboxKind",
    "OutboxStatus",
    "PauseReason",
    "RelayBucket",
    "SuppressedAddress",
    "SuppressionReason",
]
