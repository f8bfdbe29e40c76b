"""Finding a word list's patterns in a text's words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from clientela.textcheck.lexicon import Element, Pattern
from clientela.textcheck.tokens import Token

_SEEN_MAX = 50_000


@dataclass(frozen=True, slots=True)
class PatternIndex:
    """Patterns by the exact words that can open them; the rest are tried where their first
    word fits ("!your" before the first word takes no word of its own)."""

    by_word: dict[str, tuple[Pattern, ...]]
    anywhere: tuple[tuple[Element, Pattern], ...]
    # The candidates of each (word, base form) met so far: an opening depends on nothing else,
    # and a text repeats its words, so each is worked out once however long the text.
    _seen: dict[tuple[str, str], tuple[Pattern, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def build(cls, patterns: Sequence[Pattern]) -> PatternIndex:
        by_word: dict[str, list[Pattern]] = defaultdict(list)
        anywhere: list[tuple[Element, Pattern]] = []
        for pattern in patterns:
            opening = next(e for e in pattern.elements if not e.not_after)
            if not opening.negated and all(
                alt.mode in ("word", "surface") for alt in opening.alternatives
            ):
                for alt in opening.alternatives:
                    by_word[alt.value].append(pattern)
            else:
                anywhere.append((opening, pattern))
        return cls({w: tuple(ps) for w, ps in by_word.items()}, tuple(anywhere))

    def candidates(self, token: Token, base: str) -> tuple[Pattern, ...]:
        key = (token.folded, base)
        known = self._seen.get(key)
        if known is not None:
            return known
        found = list(self.by_word.get(token.folded, ()))
        if base != token.folded:
            found.extend(p for p in self.by_word.get(base, ()) if p not in found)
        found.extend(p for opening, p in self.anywhere if opening.accepts(token, base))
        if len(self._seen) >= _SEEN_MAX:
            self._seen.clear()
        self._seen[key] = tuple(found)
        return self._seen[key]


def match_end(
    pattern: Pattern, tokens: Sequence[Token], bases: Sequence[str], start: int
) -> int | None:
    """The index after the last word of a match of `pattern` opening at `start`, or None.

    A match stays inside one sentence: no word after the first may open a sentence.
    """
    if pattern.anchored and not tokens[start].sentence_start:
        return None
    elements = pattern.elements

    def walk(element_index: int, position: int) -> int | None:
        if element_index == len(elements):
            return position
        element = elements[element_index]
        if element.gap:
            for skip in range(element.gap_max + 1):
                if skip:
                    skipped = position + skip - 1
                    if skipped >= len(tokens) or tokens[skipped].sentence_start:
                        break
                found = walk(element_index + 1, position + skip)
                if found is not None:
                    return found
            return None
        if element.not_after:
            before = position - 1
            same_sentence = before >= 0 and (
                position == len(tokens) or not tokens[position].sentence_start
            )
            if same_sentence and element.accepts(tokens[before], bases[before]):
                return None
            return walk(element_index + 1, position)
        at_end = position >= len(tokens) or (position > start and tokens[position].sentence_start)
        if element.negated and at_end:
            return walk(element_index + 1, position)  # "~a|b" also takes the sentence's end
        if position >= len(tokens):
            return None
        token = tokens[position]
        if position > start and token.sentence_start:
            return None
        if not element.accepts(token, bases[position]):
            return None
        return walk(element_index + 1, position + 1)

    return walk(0, start)


def find_spans(
    index: PatternIndex, tokens: Sequence[Token], bases: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Each match as (first word, index after the last word, kind); overlaps of a kind merged."""
    spans: list[tuple[int, int, str]] = []
    for start, token in enumerate(tokens):
        for pattern in index.candidates(token, bases[start]):
            end = match_end(pattern, tokens, bases, start)
            if end is not None:
                spans.append((start, end, pattern.kind))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    # Spans come by start, so only the latest merged span of a kind can overlap the next one.
    latest: dict[str, int] = {}
    for start, end, kind in spans:
        i = latest.get(kind)
        if i is not None and start < merged[i][1]:
            merged[i] = (merged[i][0], max(merged[i][1], end), kind)
        else:
            latest[kind] = len(merged)
            merged.append((start, end, kind))
    return merged
