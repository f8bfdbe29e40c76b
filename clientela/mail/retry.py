"""What an SMTP reply means for the row: sent, try again later, or give up (and suppress?).

Back-off: 1, 2, 4 … minutes doubling up to one hour, then hourly. A row gives up once the
waits it has already served add up to 24 hours (about 31 attempts), so a relay that is down
for a day loses nothing. Counting attempts rather than clock time keeps a paused install
from failing every row the moment it resumes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import cast

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)

_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_UNKNOWN_USER = re.compile(
    r"user unknown|unknown user|no such (user|mailbox)|mailbox (unavailable|not found)|"
    r"does not exist|recipient (address )?rejected|invalid recipient",
    re.IGNORECASE,
)


class Verdict(Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    code: int | None
    reply: str
    hard_bounce: bool = False


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try (1-based)."""
    return cast("timedelta", min(FIRST_DELAY * 2 ** max(0, min(attempts - 1, 20)), MAX_DELAY))


def waited_before(attempts: int) -> timedelta:
    """The sum of the waits served before try number `attempts + 1`."""
    return sum((retry_delay(n) for n in range(1, attempts)), timedelta())


def gives_up(attempts: int) -> bool:
    return waited_before(attempts) >= GIVE_UP_AFTER


def is_hard_bounce(code: int, reply: str) -> bool:
    """A permanent failure that says the mailbox does not exist (RFC 3463 X.1.x)."""
    if code < 500:
        return False
    enhanced = _ENHANCED.search(reply)
    if enhanced:
        return enhanced.group(1) == "5" and enhanced.group(2) == "1"
    return code in {550, 551, 553} and bool(_UNKNOWN_USER.search(reply))


def outcome_of(code: int | None, reply: str, *, attempts: int) -> Outcome:
    """Classify a reply (`code` None for a network error) after try number `attempts`."""
    if code is not None and 200 <= code < 300:
        return Outcome(Verdict.SENT, code, reply)
    if code is not None and code >= 500:
        return Outcome(Verdict.FAILED, code, reply, hard_bounce=is_hard_bounce(code, reply))
    if gives_up(attempts):
        return Outcome(Verdict.FAILED, code, reply)
    return Outcome(Verdict.RETRY, code, reply)
