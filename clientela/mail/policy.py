"""The minimum role for each operation on the workspace's delivery."""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

# The outbox with the mail servers' replies, the suppression list and the sent mail show
# every recipient and every message: a manager's, where any member reads the customers.
DELIVERY_VIEW = Rule("delivery.view", Role.MANAGER)
# Pausing (or resuming) stops (or lets out) every message of the workspace.
DELIVERY_PAUSE_SET = Rule("delivery.pause_set", Role.MANAGER)
# The name and address the workspace's mail is sent from.
DELIVERY_SENDER_SET = Rule("delivery.sender_set", Role.MANAGER)
# The look of the workspace's mail: logo, colours and the postal address in every footer.
DELIVERY_BRANDING_SET = Rule("delivery.branding_set", Role.MANAGER)
