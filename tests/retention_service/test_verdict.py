"""The validation page first says, in words, what the check means for planning."""

from __future__ import annotations

import datetime as dt
import re

from django.template.loader import render_to_string
from django.utils import translation

from clientela.retention.services.validation import ConditionalRow, ValidationReport
from clientela.retention.verdict import HoldoutVerdict, holdout_verdict


def _report(*rows: ConditionalRow) -> ValidationReport:
    return ValidationReport(
        model="bgnbd",
        parameters={},
        log_likelihood=-1.0,
        calibration_end=dt.date(1997, 9, 30),
        holdout_end=dt.date(1997, 12, 30),
        start=dt.date(1997, 1, 1),
        customers=sum(r.customers for r in rows),
        holdout_weeks=13.0,
        calibration_weeks=39,
        conditional=rows,
        weekly=(),
    )


UNDER = _report(ConditionalRow(0, 600, 1.0, 0.9), ConditionalRow(1, 400, 3.205, 2.7825))


def test_an_underestimate_and_what_to_add_for_planning():
    # Expected 540 + 1,113 = 1,653; there were 600 + 1,282 = 1,882.
    assert holdout_verdict(UNDER) == HoldoutVerdict(13, 1653, 1882, 12, 14, "under")


def test_an_overestimate_a_close_one_and_an_empty_holdout():
    over = _report(ConditionalRow(0, 100, 1.0, 1.25))
    assert holdout_verdict(over) == HoldoutVerdict(13, 125, 100, 25, 20, "over")
    close = _report(ConditionalRow(0, 100, 1.0, 0.96))
    assert holdout_verdict(close) == HoldoutVerdict(13, 96, 100, 4, 4, "close")
    assert holdout_verdict(_report(ConditionalRow(0, 100, 0.0, 0.5))) is None


def _words(language: str) -> str:
    with translation.override(language):
        html = render_to_string(
            "web/retention/_verdict.html", {"verdict": holdout_verdict(UNDER), "report": UNDER}
        )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_sentence_in_english_and_romanian_with_the_readers_numbers():
    assert _words("en") == (
        "What the check says Over the last 13 weeks the model expected 1,653 purchases and there "
        "were 1,882: it underestimates by 12%; for planning, add about 14% to its forecasts. "
        "The model was fitted on the purchases up to 09/30/1997 and asked what the same "
        "customers would buy until 12/30/1997; the charts below show where it was right and "
        "where not."
    )
    assert _words("ro") == (
        "Ce arată verificarea În ultimele 13 săptămâni modelul a prevăzut 1.653 cumpărări și au "
        "fost 1.882: subestimează cu 12%; pentru planificare, adăugați cam 14% la previziunile "
        "lui. Modelul a fost potrivit pe cumpărările de până la 30.09.1997 și întrebat ce vor "
        "cumpăra aceiași clienți până la 30.12.1997; graficele de mai jos arată unde a avut "
        "dreptate și unde nu."
    )
