"""The complainer score: each sign's points, and why one complaint never makes a complainer."""

from __future__ import annotations

import pytest

from clientela.care.stats.complainer import ComplainerFacts, complainer_score


def facts(**values: float) -> ComplainerFacts:
    base = {
        "complaints": 1,
        "orders": 10,
        "not_resolved": 0,
        "repeated": 0,
        "mean_words": 30.0,
        "harsh_share": 0.0,
    }
    base.update(values)
    return ComplainerFacts(**base)  # type: ignore[arg-type]


def points(score, key):  # type: ignore[no-untyped-def]
    return next(s.points for s in score.signs if s.key == key)


def test_a_calm_first_complaint_scores_little_and_is_never_chronic() -> None:
    score = complainer_score(facts())
    assert score.score == 5  # one complaint in ten orders: 0.1 / 0.5 of 25 points
    assert not score.chronic(threshold=1)


def test_every_sign_at_its_full_weight_makes_a_hundred() -> None:
    score = complainer_score(
        facts(complaints=6, orders=4, not_resolved=6, repeated=3, mean_words=260, harsh_share=1)
    )
    assert [(s.key, s.points, s.weight) for s in score.signs] == [
        ("per_order", 25, 25),
        ("rejected", 20, 20),
        ("repeated", 25, 25),
        ("long", 10, 10),
        ("language", 20, 20),
    ]
    assert score.score == 100
    assert score.chronic(threshold=60)


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"complaints": 2, "orders": 8}, "per_order", 12),  # 0.25 per order: half of 25
        ({"complaints": 4, "not_resolved": 1}, "rejected", 5),  # a quarter of 20
        ({"repeated": 1}, "repeated", 12),  # one of two: half of 25, rounded to even
        ({"mean_words": 130}, "long", 5),  # (130-60)/140 = half of 10
        ({"mean_words": 50}, "long", 0),
        ({"harsh_share": 0.5}, "language", 10),
    ],
)
def test_each_sign_is_proportional_up_to_its_weight(values, key, expected) -> None:  # type: ignore[no-untyped-def]
    assert points(complainer_score(facts(**values)), key) == expected


def test_two_complaints_are_needed_whatever_the_threshold() -> None:
    harsh = {"orders": 1, "mean_words": 300, "harsh_share": 1.0, "not_resolved": 1}
    assert not complainer_score(facts(complaints=1, **harsh)).chronic(threshold=10)
    assert complainer_score(facts(complaints=2, **harsh)).chronic(threshold=10)


def test_no_orders_counts_as_one() -> None:
    assert points(complainer_score(facts(complaints=1, orders=0)), "per_order") == 25
