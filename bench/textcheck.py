"""Benchmark: how well the text checks find what a careful reader finds, and how fast.

    uv run python bench/textcheck.py                        # every set, then speed
    uv run python bench/textcheck.py --sets tuning,heldout  # while tuning the word lists
    uv run python bench/textcheck.py --sets none            # speed only

Quality: precision and recall per check and language on the labelled set the word lists
were tuned on (tests/textcheck/data/labelled.*.tsv), on a second set the same author wrote
before the word lists (heldout.tsv), and on a third written by someone who never saw the
lists (independent.tsv); neither of the last two is edited to suit them. Target: at least 0.8
each.
The tuning and held-out tables list every sentence got wrong; the independent table prints
counts, precision and recall only, never a sentence of its own, so whoever tunes the lists
cannot read it (run it at the end, not while tuning: `--sets tuning,heldout`).
Speed: a client's long complaint (about 2,000 words, English and Romanian), checked whole;
median of 7 runs, next to the same text read by a plain keyword search over the same word
lists' single words (the floor any checker pays for reading the text).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clientela.textcheck import CHECKS, check  # noqa: E402
from clientela.textcheck.evaluation import evaluate, read_labelled  # noqa: E402
from clientela.textcheck.lexicon import patterns  # noqa: E402

DATA = ROOT / "tests" / "textcheck" / "data"


def _table(title: str, files: list[Path], *, show_misses: bool) -> bool:
    """Print the scores of `files`; list the sentences got wrong only when `show_misses`."""
    rows = [row for path in files for row in read_labelled(path)]
    scores, misses = evaluate(rows)
    per_language = {lang: sum(1 for r in rows if r.language == lang) for lang in ("en", "ro")}
    print(f"\n{title}: {len(rows)} sentences ({per_language['en']} en, {per_language['ro']} ro)")
    print(f"{'check':10} {'lang':4} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    ok = True
    for s in scores:
        flag = "" if s.precision >= 0.8 and s.recall >= 0.8 else "  < 0.8"
        ok = ok and not flag
        print(
            f"{s.check:10} {s.language:4} {s.precision:9.2f} {s.recall:7.2f} "
            f"{s.true_positives:4} {s.false_positives:4} {s.false_negatives:4}{flag}"
        )
    for miss in misses if show_misses else ():
        print(f"  {miss.kind}: {miss.check} [{miss.sentence.language}] {miss.sentence.text}")
    return ok


def _keyword_floor(text: str, language: str) -> int:
    words = {
        alt.value
        for name in CHECKS
        for p in patterns(language, name)
        for e in p.elements
        for alt in e.alternatives
        if alt.mode in ("word", "surface")
    }
    found = 0
    for token in re.findall(r"\w+", text.lower()):
        found += token in words
    return found


def _speed() -> None:
    samples = {
        "en": "You people always lose my orders and it is not my fault. I WANT A REFUND!! "
        "Sorry, we can either resend it or refund you. The courier was late, not us. ",
        "ro": "Voi pierdeți mereu comenzile și nu e vina mea. VREAU BANII ÎNAPOI!! "
        "Ne pare rău, putem fie să retrimitem, fie să vă dăm banii. Curierul a întârziat. ",
    }
    print("\nSpeed: one long complaint checked whole (median of 7 runs)")
    for language, sentence in samples.items():
        text = sentence * 60
        words = len(text.split())
        check(text, language=language)  # load the word lists and dictionaries once
        ours, floor = [], []
        for _ in range(7):
            t0 = time.perf_counter()
            report = check(text, language=language)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _keyword_floor(text, language)
            floor.append(time.perf_counter() - t0)
        print(
            f"  {language}: {words} words, {len(report.findings)} findings: "
            f"{statistics.median(ours) * 1000:.1f} ms (keyword search floor "
            f"{statistics.median(floor) * 1000:.1f} ms)"
        )


# name: (title, files, whether its misses are listed). The independent set's never are.
SETS: dict[str, tuple[str, list[Path], bool]] = {
    "tuning": ("Tuning set", sorted(DATA.glob("labelled.*.tsv")), True),
    "heldout": (
        "Held-out set (same author, written before the lists)",
        [DATA / "heldout.tsv"],
        True,
    ),
    "independent": (
        "Independent set (another author, never seen by whoever tuned the lists; "
        "scores only, no sentences)",
        [DATA / "independent.tsv"],
        False,
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help="comma-separated sets to score: tuning, heldout, independent, or none",
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measure")
    args = parser.parse_args(argv)
    names = [n for n in args.sets.split(",") if n and n != "none"]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        parser.error(f"unknown sets {unknown}; choose from {', '.join(SETS)}")
    met = {}
    for name in names:
        title, files, show_misses = SETS[name]
        met[name] = _table(title, files, show_misses=show_misses)
    if not args.no_speed:
        _speed()
    if met:
        print("\nTarget met (>= 0.8 each):", "yes" if all(met.values()) else "NO")
        print("  " + ", ".join(f"{name} {ok}" for name, ok in met.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
