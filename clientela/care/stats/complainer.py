"""The complainer score: how strongly a client's record shows the signs of a chronic complainer.

The signs are the seller's guide's (DESIGN.md, care): always looking for someone to blame,
never admitting any fault, sure of what others should do, long laments, and standard fixes
that never help. This is not a fitted model: it is a transparent points score, each sign
worth at most its weight, so a member can read why a client scored what they scored and a
manager can disagree. Behaviour (what happened) weighs 70 points, language (what they wrote,
read by `clientela.textcheck`) 30:

- complaints per order: 25 points at one complaint for every two orders or more;
- solutions rejected (cases that ended not resolved): 20 points when every case did;
- complaints repeated after a resolution (within 60 days): 25 points at two or more;
- long laments: 10 points for complaints averaging 200 words or more, none under 60;
- blaming, absolute and demanding language: 20 points when every complaint has it.

One complaint never makes a chronic complainer: below two cases the score is shown but
`chronic` stays False, whatever the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CASES = 2
REPEAT_WINDOW_DAYS = 60


@dataclass(frozen=True, slots=True)
class ComplainerFacts:
    complaints: int  # cases of this client, the new one included
    orders: int
    not_resolved: int  # cases that ended not resolved (a solution rejected)
    repeated: int  # cases opened within REPEAT_WINDOW_DAYS after one of theirs was resolved
    mean_words: float  # words per complaint, on average
    harsh_share: (
        float  # share of complaints with blame, absolutes, refusal of fault, demands or anger
    )


@dataclass(frozen=True, slots=True)
class Sign:
    key: str  # "per_order", "rejected", "repeated", "long", "language"
    points: int  # what it adds to the score
    weight: int  # the most it can add
    value: float  # the measured value the points come from


@dataclass(frozen=True, slots=True)
class ComplainerScore:
    score: int  # 0-100
    signs: tuple[Sign, ...]
    complaints: int

    def chronic(self, threshold: int) -> bool:
        return self.complaints >= MIN_CASES and self.score >= threshold


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def complainer_score(facts: ComplainerFacts) -> ComplainerScore:
    """The points of each sign and their sum (see the module's docstring for the scale)."""
    complaints = max(facts.complaints, 0)
    per_order = complaints / max(facts.orders, 1)
    rejected = facts.not_resolved / complaints if complaints else 0.0
    parts = (
        ("per_order", 25, _clip(per_order / 0.5), per_order),
        ("rejected", 20, _clip(rejected), rejected),
        ("repeated", 25, _clip(facts.repeated / 2), float(facts.repeated)),
        ("long", 10, _clip((facts.mean_words - 60) / 140), facts.mean_words),
        ("language", 20, _clip(facts.harsh_share), facts.harsh_share),
    )
    signs = tuple(
        Sign(key, round(weight * share), weight, value) for key, weight, share, value in parts
    )
    return ComplainerScore(min(100, sum(s.points for s in signs)), signs, complaints)
