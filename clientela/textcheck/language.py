"""Is a text Romanian or English? Common words and Romanian letters decide, offline.

Short client messages are what we read; a general identifier (py3langid, fastText) is more
than we need and often wrong on a ten-word line without diacritics. Each language's most
common words (data/<lang>/common.txt) score one point per occurrence; ă â î ș ț score for
Romanian. A tie goes to `default`.
"""

from __future__ import annotations

from clientela.textcheck.lexicon import common_words
from clientela.textcheck.tokens import tokenize

LANGUAGES = ("ro", "en")
_ROMANIAN_LETTERS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")


def detect_language(text: str, *, default: str = "ro") -> str:
    """ "ro" or "en", whichever the text's common words and letters point to."""
    scores = dict.fromkeys(LANGUAGES, 0)
    for token in tokenize(text):
        for language in LANGUAGES:
            if token.folded in common_words(language):
                scores[language] += 1
    scores["ro"] += sum(1 for ch in text if ch in _ROMANIAN_LETTERS)
    best = max(LANGUAGES, key=lambda lang: scores[lang])
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return default
    return best
