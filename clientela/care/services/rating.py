"""The client's rating of how their case was handled: a signed link, used once.

The closing message carries five links (1 to 5). A link opens a page with that score chosen
and one button: the rating is written by the button's POST, never by opening the link,
because mail filters open every link of a message to scan it and would rate for the client.
The token is signed (Django's signing, salted) and names the case and a random nonce; the
nonce is stored with the rating, and a conditional UPDATE writes the score only while none
is written, so a link rates once even when sent twice at the same moment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from clientela.care.models import Case, CaseRating
from clientela.timeline.services import event_record

SALT = "clientela.care.rating"
MAX_AGE = 60 * 24 * 3600  # a rating link works for 60 days
SCORES = range(1, 6)


@dataclass(frozen=True)
class RatingTarget:
    rating: CaseRating
    expired: bool


def rating_token(case: Case) -> str:
    """The case's rating token (the rating row is created on first use)."""
    rating, _created = CaseRating.objects.get_or_create(
        case=case,
        defaults={"workspace": case.workspace, "nonce": secrets.token_hex(16)},
    )
    return signing.dumps({"c": case.pk, "n": rating.nonce}, salt=SALT, compress=False)


def rating_links(case: Case) -> list[tuple[int, str]]:
    token = rating_token(case)
    return [(score, f"{settings.SITE_URL}/rate/{token}/{score}/") for score in SCORES]


def rating_lookup(token: str) -> CaseRating | None:
    """The rating a token names, or None for a token forged, altered or older than 60 days."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return (
        CaseRating.objects.select_related("case", "case__workspace")
        .filter(case_id=data["c"], nonce=str(data.get("n", "")))
        .first()
    )


@transaction.atomic
def rating_record(*, rating: CaseRating, score: int) -> bool:
    """Write the score once; False when the link was already used."""
    if score not in SCORES:
        raise ValueError("score out of range")
    now = timezone.now()
    written = CaseRating.objects.filter(pk=rating.pk, rated_at__isnull=True).update(
        score=score, rated_at=now
    )
    if not written:
        return False
    case = rating.case
    event_record(
        workspace=case.workspace,
        actor=None,
        actor_label="customer",
        kind="care.case_rated",
        subject=case,
        customer_id=case.customer_id,
        new={"score": score},
    )
    return True
