"""The minimum role for each operation on compensations and gift certificates.

An agent proposes a compensation and it is given at once within the customer's budget; above
the budget it waits for a manager's approval (`compensation.approve`).
"""

from __future__ import annotations

from clientela.accounts.models import Role
from clientela.accounts.policy import Rule

COMPENSATION_VIEW = Rule("compensation.view", Role.VIEWER)
COMPENSATION_PROPOSE = Rule("compensation.propose", Role.AGENT)
COMPENSATION_APPROVE = Rule("compensation.approve", Role.MANAGER)
CATALOGUE_UPDATE = Rule("catalogue.update", Role.MANAGER)
# Staff at the counter look a certificate up and take an amount off it.
CERTIFICATE_REDEEM = Rule("certificate.redeem", Role.AGENT)
# The code exists only in the issuer's page: printing or mailing it again needs it typed back.
CERTIFICATE_SEND = Rule("certificate.send", Role.AGENT)
