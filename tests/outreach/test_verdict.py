"""The plain sentence opening every uplift report, in English and Romanian."""

from __future__ import annotations

import pytest
from django.utils import translation

from clientela.outreach.stats.uplift import Interval, Uplift
from clientela.web.outreach.verdict import uplift_verdict
from clientela.web.templatetags.outreach_words import percent_points


def _uplift(estimate: float, low: float, high: float, spent: float = 12.5) -> Uplift:
    return Uplift(
        sent_count=900,
        holdout_count=100,
        sent_rate=0.2 + estimate,
        holdout_rate=0.2,
        rate_difference=Interval(estimate, low, high),
        sent_revenue_per_recipient=40.0 + spent,
        holdout_revenue_per_recipient=40.0,
        revenue_difference=None,
    )


def test_more_customers_but_could_be_chance_in_english() -> None:
    with translation.override("en"):
        sentence = uplift_verdict(
            _uplift(0.031, -0.01, 0.07), days=30, what="the brochure", currency="RON"
        )
    assert sentence == (
        "Of 100 customers who got the brochure, about 3 more bought again within 30 days "
        "than of those who did not; this could still be chance. "
        "On average each of them spent 12.50\N{NO-BREAK SPACE}RON more."
    )


@pytest.mark.parametrize(
    ("estimate", "days", "expected"),
    [
        (0.01, 1, "aproximativ 1 în plus a cumpărat din nou în 1 zi"),
        (0.03, 7, "aproximativ 3 în plus au cumpărat din nou în 7 zile"),
        (0.25, 30, "aproximativ 25 de clienți în plus au cumpărat din nou în 30 de zile"),
        (-0.02, 30, "aproximativ 2 în minus au cumpărat din nou în 30 de zile"),
    ],
)
def test_romanian_plurals(estimate: float, days: int, expected: str) -> None:
    with translation.override("ro"):
        sentence = uplift_verdict(
            _uplift(estimate, estimate - 0.005, estimate + 0.005, spent=-1234.5),
            days=days,
            what="broșura",
            currency="RON",
        )
    assert sentence.startswith("Din 100 de clienți care au primit broșura, ")
    assert expected in sentence
    # The interval excludes no difference: unlikely to be chance. Money in Romanian forms.
    assert "este puțin probabil să fie o întâmplare" in sentence
    assert "cu 1.234,50\N{NO-BREAK SPACE}RON mai puțin" in sentence


def test_no_difference_and_empty_groups() -> None:
    with translation.override("en"):
        same = uplift_verdict(
            _uplift(0.001, -0.05, 0.05, spent=0), days=30, what="it", currency="EUR"
        )
        empty = uplift_verdict(
            Uplift(5, 0, 0.2, 0.0, None, 1.0, 0.0, None), days=30, what="it", currency="EUR"
        )
    assert same.startswith("Of 100 customers who got it, about as many bought again within 30")
    assert "this could still be chance" in same and "spent as much as" in same
    assert empty.startswith("Too few customers yet")


def test_percent_points() -> None:
    assert [percent_points(v) for v in (0.031, -0.012, 0.001)] == ["+3", "\N{MINUS SIGN}1", "0"]
