"""Words with their places in the text, folded for matching.

Folding lowercases and removes diacritics (ș and ş alike become s), so a Romanian message
typed without diacritics meets the same word lists. Apostrophes and hyphens split words
("didn't" → didn, t; "mi-ați" → mi, ați), as Romanian clitics and English contractions need.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A sentence ends at . ! ? ; or a line break; an abbreviation's dot ending a sentence early
# costs nothing here (patterns rarely span one).
_SENTENCE_END = re.compile(r"[.!?;]+|\n")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    surface: str  # as written
    folded: str  # lowercased, without diacritics
    sentence_start: bool


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lowercase without diacritics: "Întotdeauna" → "intotdeauna", "Ţeapă" → "teapa"."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[Token]:
    """The words of `text` in order, each marked when it opens a sentence."""
    tokens: list[Token] = []
    last_end = 0
    for match in _WORD.finditer(text):
        opens = not tokens or _SENTENCE_END.search(text, last_end, match.start()) is not None
        word = match.group()
        tokens.append(Token(match.start(), match.end(), word, fold(word), opens))
        last_end = match.end()
    return tokens
