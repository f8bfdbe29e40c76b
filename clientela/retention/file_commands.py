"""`clientela retention fit|score`: fit and score a summary CSV, without Django.

    clientela retention fit --model bgnbd --summary cdnow.csv --json
    clientela retention score --model paretonbd --summary cdnow.csv --horizon 39 --json

Both read a file and print; neither touches a database. `clientela.cli` runs them through
`main` without setting Django up: that setup imports every app and checks every URL, about a
second of CPU, most of what a million-row fit would otherwise take. The `retention` management
command adds the same sub-commands and calls the same functions, so `call_command` and the
console script print the same thing.
"""

from __future__ import annotations

import argparse
import json
import sys
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

import numpy as np

from clientela.retention import engine
from clientela.retention.score_text import score_lines
from clientela.retention.summary_file import SummaryFile, SummaryFileError, parse_bytes

FIT_MODELS = (*engine.MODELS, "gammagamma")


class FileCommandError(Exception):
    """A message for the console: the file or the fit cannot be used."""


def add_file_commands(sub: Any) -> None:
    """Add `fit` and `score` to the sub-command action of a `retention` parser."""
    fit = sub.add_parser("fit", help="Fit a model on a summary CSV and print its parameters.")
    fit.add_argument("--model", choices=FIT_MODELS, default="bgnbd")
    fit.add_argument("--summary", type=Path, required=True, metavar="FILE.csv")
    fit.add_argument("--json", action="store_true")
    score = sub.add_parser("score", help="P(alive) and expected purchases for each row.")
    score.add_argument("--model", choices=engine.MODELS, default="bgnbd")
    score.add_argument("--summary", type=Path, required=True, metavar="FILE.csv")
    score.add_argument("--horizon", type=float, required=True, metavar="T")
    score.add_argument("--json", action="store_true")


def read_summary(path: Path, *, need_monetary: bool = False, with_ids: bool = True) -> SummaryFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileCommandError(f"{path}: {exc.strerror}") from exc
    try:
        return parse_bytes(data, need_monetary=need_monetary, with_ids=with_ids)
    except UnicodeDecodeError as exc:
        raise FileCommandError(f"{path}: not a UTF-8 text file") from exc
    except SummaryFileError as exc:
        raise FileCommandError("\n".join(f"{path}: {line}" for line in exc.errors)) from exc


def fit_output(*, model: str, summary: Path, json: bool, **_: Any) -> str:
    data = read_summary(summary, need_monetary=model == "gammagamma", with_ids=False)
    try:
        if model == "gammagamma":
            assert data.monetary is not None
            fit = engine.spend_fit(data.x, data.monetary)
        else:
            fit = engine.fit(model, data.x, data.t_x, data.T)
    except engine.FitFailed as exc:
        raise FileCommandError(str(exc)) from exc
    if json:
        result: dict[str, Any] = {
            "model": model,
            "parameters": fit.parameters,
            "log_likelihood": fit.log_likelihood,
            "customers": fit.n_customers,
        }
        if fit.warnings:  # a maximum at the edge of the model (see engine.fit)
            result["warnings"] = [{"code": w.code, **w.values} for w in fit.warnings]
        return _dumps(result)
    params = ", ".join(f"{k} = {v:.4f}" for k, v in fit.parameters.items())
    return f"{model} on {fit.n_customers} customers: {params}; LL = {fit.log_likelihood:.2f}"


def score_output(*, model: str, summary: Path, horizon: float, json: bool, **_: Any) -> str:
    if horizon <= 0:
        raise FileCommandError("--horizon must be a positive number of the file's time units")
    data = read_summary(summary)
    try:
        fit = engine.fit(model, data.x, data.t_x, data.T)
    except engine.FitFailed as exc:
        raise FileCommandError(str(exc)) from exc
    scores = engine.score(model, fit.parameters, data.x, data.t_x, data.T, horizon)
    if not json:
        header = "id\tp_alive\texpected_purchases"
        if data.ascii_ids is not None:
            text = score_lines(data.ascii_ids, scores.p_alive, scores.expected_purchases)
            if text is not None:
                return f"{header}\n{text}"
        alive, expected = scores.p_alive.tolist(), scores.expected_purchases.tolist()
        rows = map("{}\t{:.4f}\t{:.4f}".format, data.ids, alive, expected)
        return "\n".join([header, *rows])
    head = {"model": model, "parameters": fit.parameters, "horizon": horizon}
    return _dumps_with_rows(head, data.ids, scores.p_alive, scores.expected_purchases)


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)


def _dumps_with_rows(
    head: dict[str, Any], ids: tuple[str, ...], p_alive: engine.Array, expected: engine.Array
) -> str:
    """`head` with a "rows" list, one row a line: json.dumps with an indent runs its pure-Python
    encoder, four seconds for a million rows; this formats each row as json.dumps would."""
    alive, purchases = p_alive.tolist(), expected.tolist()
    if not (np.all(np.isfinite(p_alive)) and np.all(np.isfinite(expected))):
        rows = [
            {"id": i, "p_alive": a, "expected_purchases": e}
            for i, a, e in zip(ids, alive, purchases, strict=True)
        ]
        return _dumps({**head, "rows": rows})
    # Finite floats: json.dumps writes float.__repr__, and strings with encode_basestring_ascii.
    row = '    {{"id": {}, "p_alive": {!r}, "expected_purchases": {!r}}}'.format
    body = ",\n".join(map(row, map(encode_basestring_ascii, ids), alive, purchases))
    return _dumps(head)[:-2] + ',\n  "rows": [\n' + body + "\n  ]\n}"


OUTPUTS = {"fit": fit_output, "score": score_output}


def main(argv: list[str]) -> int:
    """Run `fit` or `score` from the console script; the exit status as Django's commands."""
    parser = argparse.ArgumentParser(
        prog="clientela retention",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_file_commands(parser.add_subparsers(dest="action", required=True))
    options = vars(parser.parse_args(argv))
    try:
        text = OUTPUTS[options.pop("action")](**options)
    except FileCommandError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    sys.stdout.write(text + "\n")
    return 0
