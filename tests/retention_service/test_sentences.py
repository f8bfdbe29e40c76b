"""The customer's one-line explanation agrees with itself and with the segment, in every
segment and at the edges (no model, BG/NBD's unknown P(alive) of a one-time buyer, today)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from clientela.retention.models import CustomerScore, Segment
from clientela.retention.reports import score_sentence

TODAY = dt.date(2026, 6, 30)


def _score(segment, purchases, first_ago, last_ago, p_alive=None):
    return CustomerScore(
        segment=segment,
        purchases=purchases,
        first_purchase=TODAY - dt.timedelta(days=first_ago),
        last_purchase=TODAY - dt.timedelta(days=last_ago),
        p_alive=p_alive,
    )


CASES = [
    (
        _score("new", 1, 10, 10, 0.62),
        "bought once, 10 days ago; a new customer: 62% likely still a customer",
    ),
    (_score("new", 1, 0, 0), "bought once, today; a new customer"),
    (
        _score("one_time", 1, 465, 465, 0.09),
        "bought once, 465 days ago; customers like this rarely come back: "
        "9% likely still a customer",
    ),
    # BG/NBD does not say: no percentage, and never "100% likely".
    (
        _score("one_time", 1, 465, 465),
        "bought once, 465 days ago; customers like this rarely come back",
    ),
    # A model that still believes in them: the sentence does not say they rarely come back.
    (
        _score("one_time", 1, 200, 200, 0.8),
        "bought once, 200 days ago; not bought since: 80% likely still a customer",
    ),
    (
        _score("champions", 9, 240, 5, 0.95),
        "bought 9 times, about every 29 days; last purchase 5 days ago: "
        "95% likely still a customer",
    ),
    (
        _score("loyal", 4, 120, 30, 0.9),
        "bought 4 times, about every 30 days; last purchase 30 days ago: "
        "90% likely still a customer",
    ),
    (
        _score("occasional", 2, 400, 100, 0.75),
        "bought 2 times, about every 300 days; last purchase 100 days ago: "
        "75% likely still a customer",
    ),
    (
        _score("cannot_lose_them", 6, 160, 60, 0.5),
        "bought 6 times, about every 20 days; last purchase 60 days ago, longer than usual: "
        "50% likely still a customer",
    ),
    (
        _score("at_risk", 3, 120, 60, 0.4),
        "bought 3 times, about every 30 days; last purchase 60 days ago, longer than usual: "
        "40% likely still a customer",
    ),
    # Customer 13955 of the demo: a "champion" by RFM at 11%.
    (
        _score("lost", 8, 370, 300, 0.11),
        "bought 8 times, about every 10 days; last purchase 300 days ago, longer than usual: "
        "11% likely still a customer",
    ),
    # No model: the segment's own conclusion stands in for the percentage.
    (
        _score("lost", 3, 160, 100),
        "bought 3 times, about every 30 days; last purchase 100 days ago, longer than usual; "
        "likely gone",
    ),
    (_score("loyal", 3, 40, 0), "bought 3 times, about every 20 days; last purchase today"),
]


@pytest.mark.parametrize(("score", "sentence"), CASES)
def test_the_sentence_of_each_segment(score, sentence):
    with translation.override("en"):
        assert score_sentence(score, TODAY) == sentence


def test_every_segment_has_a_case():
    assert {score.segment for score, _ in CASES} == set(Segment.values)


def test_the_romanian_sentence_of_a_long_silent_one_time_buyer():
    with translation.override("ro"):
        assert score_sentence(_score("one_time", 1, 465, 465, 0.09), TODAY) == (
            "a cumpărat o dată, acum 465 de zile; clienții ca el revin rar: "
            "9% șanse să mai fie client"
        )
