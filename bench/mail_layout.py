"""The cost of the shop's look: building one message with its HTML layout and footer, next to
the baseline of the same letter as plain text only (how every message was built before).

    uv run python bench/mail_layout.py [--messages 500] [--runs 7]

Prints the median microseconds per message over the runs, for: the text-only baseline; the
branded message from text (paragraphs and links turned to HTML); the branded message from
an HTML fragment of a brochure. No database: the layout is read once per batch by the
sender, so the branding here is an unsaved row, as in a batch's memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent

TEXT = (
    "Dragă Ana,\n\nVă mulțumim pentru cumpărătura de săptămâna trecută și pentru că ați ales "
    "Alice's Shop. Vedeți noutățile la https://alice.example/noutati.\n\nCu drag,\nEchipa"
)
FRAGMENT = (
    "<h1>Reduceri de iarnă</h1><p>Până duminică, paltoanele au 30% reducere.</p>"
    "<ul><li>Paltoane de lână</li><li>Fulare și mănuși</li></ul>"
    '<p><a href="https://alice.example/iarna">Vezi oferta</a></p>'
) * 3


def median_us(build: Callable[[], bytes], messages: int, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(messages):
            build()
        timings.append((time.perf_counter() - started) / messages * 1e6)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CLIENTELA_TESTING", "1")
    sys.path.insert(0, str(BASE))
    import django

    django.setup()

    from clientela.mail.layout import Look, mail_layout, text_with_footer
    from clientela.mail.message import Draft, message_build, message_bytes
    from clientela.mail.models import Branding

    look = Look(shop="Alice's Shop", branding=Branding(postal_address="Str. Lungă 3\nBrașov"))
    link = "https://alice.example/u/token/"

    def message(body_text: str, body_html: str) -> bytes:
        draft = Draft(1, "<1@alice.example>", "Alice's Shop", "shop@alice.example", "Ana Pop",
                      "ana@example.ro", "Mulțumim, Ana!", body_text, body_html, True)  # fmt: skip
        return message_bytes(message_build(draft))

    def baseline() -> bytes:
        return message(TEXT, "")

    def from_text() -> bytes:
        html = mail_layout(look, text=TEXT, language="ro", unsubscribe_url=link)
        return message(text_with_footer(TEXT, look, language="ro", unsubscribe_url=link), html)

    def from_fragment() -> bytes:
        html = mail_layout(look, fragment_html=FRAGMENT, language="ro", unsubscribe_url=link)
        return message(text_with_footer(TEXT, look, language="ro", unsubscribe_url=link), html)

    rows = [
        ("baseline: text only, no layout", median_us(baseline, args.messages, args.runs)),
        ("ours: text -> text + HTML layout", median_us(from_text, args.messages, args.runs)),
        ("ours: fragment -> text + HTML", median_us(from_fragment, args.messages, args.runs)),
    ]
    print(f"{'message build':36} {'median us/msg':>14} {'msgs/s/core':>12}")
    for name, us in rows:
        print(f"{name:36} {us:14.0f} {1e6 / us:12.0f}")


if __name__ == "__main__":
    main()
