"""What a check found: the check, where in the text, and a message for the writer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding. `start`/`end` index the checked text (`text[start:end] == quote`)."""

    check: str
    kind: str  # the check itself, or a sub-kind of anger: "shouting", "punctuation", "insult"
    start: int
    end: int
    quote: str
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    """The findings of one text, in text order, and the language it was read in."""

    language: str
    findings: tuple[Finding, ...]

    def has(self, check: str) -> bool:
        return any(f.check == check for f in self.findings)

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.check for f in self.findings))

    def checks(self) -> frozenset[str]:
        return frozenset(f.check for f in self.findings)
