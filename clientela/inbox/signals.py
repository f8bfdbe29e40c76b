"""What happens in a conversation (or anything else a client waits on), for the clock.

The conversation code and the apps above the inbox (a complaint case, a question on a quote)
send these; the waiting clock listens and starts, pauses or stops the client's wait. Every
signal names what the client waits on by `subject` (a short kind: "conversation", "case") and
`subject_id`, so one clock times every channel. Sent with `send()` inside the transaction
that made the change, so the clock's rows commit with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# A client wrote and now waits for our answer.
# Kwargs: workspace_id (int), subject (str), subject_id (int), customer_id (int | None),
# channel (str: "email", "form", "api", ...), at (aware datetime), title (str: what a member
# sees in the "who is waiting" list), url (str: where a member answers it); optionally
# workspace (the Workspace of workspace_id, which spares the clock reading it again).
client_wrote = Signal()

# We answered the client (a reply left, not an internal note).
# Kwargs: workspace_id, subject, subject_id, at, actor_id (int | None: the member who answered).
client_answered = Signal()

# We now wait for the client (status "waiting for the customer"): the clock pauses.
# Kwargs: workspace_id, subject, subject_id, at.
waiting_for_client = Signal()

# The conversation was closed: nothing waits any more.
# Kwargs: workspace_id, subject, subject_id, at.
subject_closed = Signal()
