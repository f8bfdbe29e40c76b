"""What mail announces to the apps above it, which connect receivers in `AppConfig.ready()`.

Mail never imports a higher app: where one must act on what mail saw, mail sends one of these
and the receiver does the rest. They are sent with `send()`, so an exception in a receiver
reaches the sender (the SMTP handler then answers with an error and the mail is retried).
"""

from __future__ import annotations

from django.dispatch import Signal

# Someone asked, through the List-Unsubscribe mailto: address of outbox row `outbox_id`, to
# receive no more marketing mail. Mail only proved the token; what unsubscribing means
# (consents, lists, queued mail) belongs to the app that owns lists. Kwargs: outbox_id (int).
unsubscribe_requested = Signal()

# A bounce report turned outbox row `outbox_id` into bounced. Sent inside the transaction
# that recorded it, so a receiver's writes commit with it. `suppressed`: whether the address
# joined the suppression list (the mailbox does not exist).
# Kwargs: outbox_id (int), workspace_id (int), address (str), suppressed (bool).
bounce_recorded = Signal()

# Outbox row `outbox_id` reached a final state (sent, failed or suppressed): nothing will
# build its message again. Sent inside the transaction that recorded it, so an app that put
# something secret in the row (a gift certificate's code) can take it out of the stored copy
# with `services.outbox_redact` in the same commit.
# Kwargs: outbox_id (int), workspace_id (int), source_type (str), source_id (int | None),
# status (str).
outbox_settled = Signal()
