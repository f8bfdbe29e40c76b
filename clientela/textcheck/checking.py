"""Running every check over a text."""

from __future__ import annotations

import re

from clientela.textcheck.findings import Finding, Report
from clientela.textcheck.language import LANGUAGES, detect_language
from clientela.textcheck.lexicon import base_form, patterns, word_set
from clientela.textcheck.matching import PatternIndex, find_spans
from clientela.textcheck.messages import message
from clientela.textcheck.tokens import Token, tokenize

# The checks, in the order a page lists them.
CHECKS = (
    "blame",
    "absolute",
    "no_fault",
    "demand",
    "anger",
    "apology",
    "excuse",
    "options",
)
# Checks read from word lists; anger adds shouting and punctuation found in code.
_LISTED = CHECKS
# Longer texts are read up to here: a client's message, not a book.
MAX_CHARS = 100_000
_PUNCTUATION = re.compile(r"[!?]*(?:!!|\?\?|\?!|!\?)[!?]*")

_indexes: dict[tuple[str, str], PatternIndex] = {}


def _index(language: str, check: str) -> PatternIndex:
    key = (language, check)
    if key not in _indexes:
        _indexes[key] = PatternIndex.build(patterns(language, check))
    return _indexes[key]


def _is_caps(token: Token) -> bool:
    letters = [ch for ch in token.surface if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _shouting(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Runs of words in capitals: one of 4+ letters, or two or more in a row.

    Acronyms (data/acronyms.txt: SRL, TVA, IBAN, PDF, ...) and words of one letter do not
    count; nor does a text written wholly in capitals by a machine (a subject line in caps
    is rare in a client's message, and the run rule still catches it).
    """
    acronyms = word_set("acronyms")
    runs: list[tuple[int, int]] = []
    run: list[Token] = []

    def close() -> None:
        if len(run) >= 2 or (run and len(run[0].surface) >= 4):
            runs.append((run[0].start, run[-1].end))
        run.clear()

    for token in tokens:
        if _is_caps(token) and token.folded not in acronyms:
            if run and text[run[-1].end : token.start].strip(" ,") not in ("",):
                close()
            run.append(token)
        else:
            close()
    close()
    return runs


def check(text: str, *, language: str | None = None, ui_language: str | None = None) -> Report:
    """Every finding in `text`, read as `language` ("ro" or "en"; detected when None).

    Messages are in `ui_language` (the reader's), by default the text's language.
    """
    text = text[:MAX_CHARS]
    lang = language if language in LANGUAGES else detect_language(text)
    reader = ui_language if ui_language in LANGUAGES else lang
    tokens = tokenize(text)
    bases = [base_form(t.surface, lang) for t in tokens]
    found: list[Finding] = []
    for check_name in _LISTED:
        for first, after, kind in find_spans(_index(lang, check_name), tokens, bases):
            start, end = tokens[first].start, tokens[after - 1].end
            found.append(
                Finding(check_name, kind, start, end, text[start:end], message(kind, reader))
            )
    for start, end in _shouting(text, tokens):
        found.append(
            Finding("anger", "shouting", start, end, text[start:end], message("shouting", reader))
        )
    for match in _PUNCTUATION.finditer(text):
        found.append(
            Finding(
                "anger",
                "punctuation",
                match.start(),
                match.end(),
                match.group(),
                message("punctuation", reader),
            )
        )
    found.sort(key=lambda f: (f.start, f.end, f.check))
    return Report(lang, tuple(found))
