"""Precision and recall of the checks on a labelled set of sentences.

A labelled file has one sentence per line: `language<TAB>checks<TAB>sentence`, where checks
is a comma-separated list of the checks a careful reader finds in the sentence, or "-".
A sentence counts once per check: found and labelled (true positive), found but not labelled
(false positive), labelled but not found (false negative).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from clientela.textcheck.checking import CHECKS, check


@dataclass(frozen=True, slots=True)
class Labelled:
    language: str
    checks: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class Score:
    check: str
    language: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


@dataclass(frozen=True, slots=True)
class Miss:
    check: str
    kind: str  # "false positive" or "false negative"
    sentence: Labelled


def read_labelled(path: Path) -> list[Labelled]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            language, checks, text = line.split("\t")
        except ValueError:
            raise ValueError(
                f"{path.name} line {number}: expected three tab-separated columns"
            ) from None
        labels = frozenset() if checks == "-" else frozenset(checks.split(","))
        unknown = labels - set(CHECKS)
        if unknown:
            raise ValueError(f"{path.name} line {number}: unknown checks {sorted(unknown)}")
        rows.append(Labelled(language, labels, text))
    return rows


def evaluate(rows: Iterable[Labelled]) -> tuple[list[Score], list[Miss]]:
    """One score per (check, language) present in `rows`, and every sentence got wrong."""
    counts: dict[tuple[str, str], list[int]] = {}
    misses: list[Miss] = []
    for row in rows:
        found = check(row.text, language=row.language).checks()
        for name in CHECKS:
            tally = counts.setdefault((name, row.language), [0, 0, 0])
            if name in found and name in row.checks:
                tally[0] += 1
            elif name in found:
                tally[1] += 1
                misses.append(Miss(name, "false positive", row))
            elif name in row.checks:
                tally[2] += 1
                misses.append(Miss(name, "false negative", row))
    scores = [Score(c, lang, *tally) for (c, lang), tally in sorted(counts.items())]
    return scores, misses
