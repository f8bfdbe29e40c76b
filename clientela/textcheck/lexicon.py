"""Word lists as data files, compiled into patterns over folded words and their base forms.

Each check has one file per language, `data/<language>/<check>.txt`: one pattern per line,
`#` starts a comment. A pattern is a sequence of elements separated by spaces:

- `word`    a word whose folded form or folded base form (simplemma) is `word`
- `=word`   the folded form only, not the base form ("=vreau" is not "aș vrea")
- `word*`   a folded form starting with `word` ("vinovat*": vinovat, vinovată, vinovati)
- `*ending` a folded form ending with `ending` ("*ti": rezolvați, plătiți)
- `a|b|c`   any of the alternatives, each written as above
- `_`       any one word; `..` zero to five words; `...` any number of words
- `^`       (first only) the next word opens a sentence
- `~a|b`    any one word but the alternatives, or the sentence's end ("curierul ~vostru":
            not "curierul vostru")
- `!a|b`    takes no word: the word before is none of the alternatives (or opens nothing)
- `@name`   the alternatives of a line `@name = a|b|c` (spaces around `=`) earlier in the same file,
            so a class of words (third parties, troubles) is written once and reused

Words in a file may keep their diacritics: they are folded when loaded. A pattern matches
within one sentence. A line may end with `=> kind` to name a sub-kind (anger: "insult").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import simplemma

from clientela.textcheck.tokens import Token, fold

DATA = Path(__file__).with_name("data")
GAP_MAX = 5
_CLASS = re.compile(r"(@\w+) = (\S+)")
LONG_GAP = 1_000  # "..." : to the end of the sentence


@dataclass(frozen=True, slots=True)
class Alternative:
    mode: str  # "word", "surface", "prefix", "suffix", "any"
    value: str = ""

    def accepts(self, token: Token, base: str) -> bool:
        if self.mode == "word":
            return token.folded == self.value or base == self.value
        if self.mode == "surface":
            return token.folded == self.value
        if self.mode == "prefix":
            return token.folded.startswith(self.value)
        if self.mode == "suffix":
            return token.folded.endswith(self.value)
        return True


@dataclass(frozen=True, slots=True)
class Element:
    alternatives: tuple[Alternative, ...]
    gap: bool = False  # ".." : zero to GAP_MAX words
    gap_max: int = GAP_MAX
    not_after: bool = False  # "!a|b": the previous word is none of the alternatives
    negated: bool = False  # "~a|b": one word that is none of the alternatives
    # The alternatives by mode, for a quick test (a class can hold a hundred words).
    _words: frozenset[str] = field(init=False, repr=False, compare=False)
    _surfaces: frozenset[str] = field(init=False, repr=False, compare=False)
    _prefixes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _suffixes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _any: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def values(mode: str) -> list[str]:
            return [alt.value for alt in self.alternatives if alt.mode == mode]

        object.__setattr__(self, "_words", frozenset(values("word")))
        object.__setattr__(self, "_surfaces", frozenset(values("surface")))
        object.__setattr__(self, "_prefixes", tuple(values("prefix")))
        object.__setattr__(self, "_suffixes", tuple(values("suffix")))
        object.__setattr__(self, "_any", any(alt.mode == "any" for alt in self.alternatives))

    def accepts(self, token: Token, base: str) -> bool:
        word = token.folded
        hit = (
            self._any
            or word in self._words
            or base in self._words
            or word in self._surfaces
            or word.startswith(self._prefixes)
            or word.endswith(self._suffixes)
        )
        return self.negated != hit


@dataclass(frozen=True, slots=True)
class Pattern:
    elements: tuple[Element, ...]
    anchored: bool
    kind: str
    source: str  # the line it came from, for messages in tests


class PatternError(ValueError):
    """A line of a word list that is not a pattern."""


def _alternative(text: str) -> Alternative:
    if text == "_":
        return Alternative("any")
    if text.startswith("=") and len(text) > 1:
        return Alternative("surface", fold(text[1:]))
    if text.endswith("*") and len(text) > 1:
        return Alternative("prefix", fold(text[:-1]))
    if text.startswith("*") and len(text) > 1:
        return Alternative("suffix", fold(text[1:]))
    if "*" in text or "=" in text or not text:
        raise PatternError(f"cannot read {text!r}")
    return Alternative("word", fold(text))


def parse_pattern(line: str, *, default_kind: str) -> Pattern:
    """One line of a word list as a pattern (see the module's docstring)."""
    body, _, kind = line.partition("=>")
    parts = body.split()
    anchored = bool(parts) and parts[0] == "^"
    if anchored:
        parts = parts[1:]
    if not parts:
        raise PatternError(f"empty pattern: {line!r}")
    elements: list[Element] = []
    for part in parts:
        if part in ("..", "..."):
            elements.append(Element((), gap=True, gap_max=GAP_MAX if part == ".." else LONG_GAP))
        elif part[0] in "!~" and len(part) > 1:
            alternatives = tuple(_alternative(p) for p in part[1:].split("|"))
            elements.append(Element(alternatives, not_after=part[0] == "!", negated=part[0] == "~"))
        else:
            elements.append(Element(tuple(_alternative(p) for p in part.split("|"))))
    if elements[0].gap or elements[-1].gap:
        raise PatternError(f"a pattern cannot start or end with '..': {line!r}")
    if all(e.gap or e.not_after for e in elements):
        raise PatternError(f"a pattern needs a word to match: {line!r}")
    return Pattern(tuple(elements), anchored, kind.strip() or default_kind, line.strip())


@cache
def patterns(language: str, check: str) -> tuple[Pattern, ...]:
    """The compiled word list of `check` in `language` (empty when the file does not exist)."""
    path = DATA / language / f"{check}.txt"
    if not path.exists():
        return ()
    return read_patterns(
        path.read_text(encoding="utf-8"), check=check, name=f"{path.name} ({language})"
    )


def read_patterns(text: str, *, check: str, name: str) -> tuple[Pattern, ...]:
    """Every pattern of a word list's `text`, its `@name = ...` classes expanded."""
    compiled = []
    classes: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            definition = _CLASS.fullmatch(line)
            if definition:
                classes[definition[1]] = _expand(definition[2], classes)
                continue
            compiled.append(parse_pattern(_expand(line, classes), default_kind=check))
        except PatternError as error:
            raise PatternError(f"{name} line {number}: {error}") from None
    return tuple(compiled)


def _expand(line: str, classes: dict[str, str]) -> str:
    """`line` with each `@name` alternative replaced by the class's alternatives."""

    def part(text: str) -> str:
        prefix = text[0] if text[0] in "!~" else ""
        alternatives = []
        for alt in text[len(prefix) :].split("|"):
            if alt.startswith("@"):
                if alt not in classes:
                    raise PatternError(f"unknown class {alt!r}")
                alternatives.append(classes[alt])
            else:
                alternatives.append(alt)
        return prefix + "|".join(alternatives)

    return " ".join(part(p) for p in line.split())


@cache
def common_words(language: str) -> frozenset[str]:
    path = DATA / language / "common.txt"
    return frozenset(fold(w) for w in path.read_text(encoding="utf-8").split() if w)


@cache
def word_set(name: str) -> frozenset[str]:
    """A plain list of words (`data/<name>.txt`), folded."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines() for w in line.split("#")[0].split())


@lru_cache(maxsize=65536)
def base_form(word: str, language: str) -> str:
    """The folded dictionary form of `word` (simplemma), or the folded word when unknown."""
    return fold(simplemma.lemmatize(word.lower(), lang=language))
