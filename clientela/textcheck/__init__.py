"""Pure text checks for what clients write and what we write back (English and Romanian).

`check(text)` finds, with their spans: blame of others, absolute words ("always", "never",
"mereu", "niciodată"), refusal of any fault, demands, anger (shouting, repeated punctuation,
insults), apologies, excuses and several options offered. The care app reads a client's
findings for the complainer profile; a member's reply is checked before it leaves (no
excuses, no apology to a chronic complainer, one version rather than three).

No Django, no models, no network: word lists are data files under `data/<language>/`, and base
forms come from simplemma's offline dictionaries.

How well the checks do is measured by `bench/textcheck.py`: precision and recall per check
and language on the tuning sets (tests/textcheck/data/labelled.*.tsv), the held-out set and
an independent set by another author, then the speed on a long complaint. `--sets
tuning,heldout` scores only the first two (what to run while changing the word lists);
`--sets none` measures speed only. The independent set's table shows scores, never its
sentences, so the lists cannot be tuned to it.
"""

from __future__ import annotations

from clientela.textcheck.checking import CHECKS, check
from clientela.textcheck.findings import Finding, Report
from clientela.textcheck.language import detect_language

__all__ = ["CHECKS", "Finding", "Report", "check", "detect_language"]
