"""Holdout groups: who does not get a message, so that its effect can be measured."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence


def in_holdout(seed: str, key: str, percent: int) -> bool:
    """A stable per-decision draw for automations: the same key always lands the same way."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < percent * 100


def holdout_split(ids: Sequence[int], percent: int, seed: int) -> tuple[list[int], list[int]]:
    """(sent, holdout): exactly round(n * percent / 100) ids held out, drawn with a PRNG
    seeded by `seed` (the campaign id) over the sorted ids, so a re-run draws the same."""
    ordered = sorted(ids)
    size = holdout_size(len(ordered), percent)
    held = set(random.Random(seed).sample(ordered, size))
    return [i for i in ordered if i not in held], [i for i in ordered if i in held]


def holdout_size(n: int, percent: int) -> int:
    """How many of `n` a holdout of `percent` keeps back (round half to even, as `round`)."""
    return round(n * percent / 100)
