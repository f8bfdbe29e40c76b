"""`clientela retention fit|score|refresh|validate`: the retention engine from the console.

    clientela retention fit --model bgnbd --summary cdnow.csv --json
    clientela retention score --model paretonbd --summary cdnow.csv --horizon 39 --json
    clientela retention score --model mbgnbd --summary cdnow.csv --horizon 39
    clientela retention refresh --workspace SLUG [--model paretonbd]
    clientela retention validate --workspace SLUG --calibration-end 1997-09-30 [--json]

`fit` and `score` read a summary CSV (Lifetimes or Fader-Hardie columns) and work in the file's
own time unit; `refresh` and `validate` read the workspace's orders.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from clientela.accounts.models import Workspace
from clientela.retention import engine
from clientela.retention.models import RetentionRun
from clientela.retention.services import RetentionError, retention_refresh, retention_validate
from clientela.retention.services.choosing import choice_sentence
from clientela.retention.summary_file import SummaryFile, SummaryFileError, parse

FIT_MODELS = (*engine.MODELS, "gammagamma")


class Command(BaseCommand):
    help = "Fit and score retention models, refresh a workspace's scores, validate on a holdout."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit", help="Fit a model on a summary CSV and print its parameters.")
        fit.add_argument("--model", choices=FIT_MODELS, default="bgnbd")
        fit.add_argument("--summary", type=Path, required=True, metavar="FILE.csv")
        fit.add_argument("--json", action="store_true")
        score = sub.add_parser("score", help="P(alive) and expected purchases for each row.")
        score.add_argument("--model", choices=engine.MODELS, default="bgnbd")
        score.add_argument("--summary", type=Path, required=True, metavar="FILE.csv")
        score.add_argument("--horizon", type=float, required=True, metavar="T")
        score.add_argument("--json", action="store_true")
        refresh = sub.add_parser("refresh", help="Refit and rescore one workspace now.")
        refresh.add_argument("--workspace", required=True, metavar="SLUG")
        # Without --model, the settings' model: pinned, or the best on the shop's holdout.
        refresh.add_argument("--model", choices=engine.MODELS, default=None)
        validate = sub.add_parser("validate", help="Fit before a date, compare with after.")
        validate.add_argument("--workspace", required=True, metavar="SLUG")
        validate.add_argument("--calibration-end", required=True, type=_date, metavar="DATE")
        validate.add_argument("--holdout-end", type=_date, metavar="DATE")
        validate.add_argument("--model", choices=engine.MODELS, default="bgnbd")
        validate.add_argument("--json", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _emit(self, data: Any, as_json: bool, text: str) -> None:
        self.stdout.write(json.dumps(data, indent=2, default=str) if as_json else text)

    def _fit(self, *, model: str, summary: Path, json: bool, **_: Any) -> None:
        data = _read(summary, need_monetary=model == "gammagamma")
        try:
            if model == "gammagamma":
                assert data.monetary is not None
                fit = engine.spend_fit(data.x, data.monetary)
            else:
                fit = engine.fit(model, data.x, data.t_x, data.T)
        except engine.FitFailed as exc:
            raise CommandError(str(exc)) from exc
        result = {
            "model": model,
            "parameters": fit.parameters,
            "log_likelihood": fit.log_likelihood,
            "customers": fit.n_customers,
        }
        if fit.warnings:  # a maximum at the edge of the model (see engine.fit)
            result["warnings"] = [{"code": w.code, **w.values} for w in fit.warnings]
        params = ", ".join(f"{k} = {v:.4f}" for k, v in fit.parameters.items())
        text = f"{model} on {fit.n_customers} customers: {params}; LL = {fit.log_likelihood:.2f}"
        self._emit(result, json, text)

    def _score(self, *, model: str, summary: Path, horizon: float, json: bool, **_: Any) -> None:
        if horizon <= 0:
            raise CommandError("--horizon must be a positive number of the file's time units")
        data = _read(summary)
        try:
            fit = engine.fit(model, data.x, data.t_x, data.T)
        except engine.FitFailed as exc:
            raise CommandError(str(exc)) from exc
        scores = engine.score(model, fit.parameters, data.x, data.t_x, data.T, horizon)
        rows = [
            {"id": i, "p_alive": float(a), "expected_purchases": float(e)}
            for i, a, e in zip(data.ids, scores.p_alive, scores.expected_purchases, strict=True)
        ]
        result = {"model": model, "parameters": fit.parameters, "horizon": horizon, "rows": rows}
        lines = ["id\tp_alive\texpected_purchases"]
        lines += [f"{r['id']}\t{r['p_alive']:.4f}\t{r['expected_purchases']:.4f}" for r in rows]
        self._emit(result, json, "\n".join(lines))

    def _refresh(self, *, workspace: str, model: str | None, **_: Any) -> None:
        ws = _workspace(workspace)

        def bar(done: int, total: int) -> None:
            filled = 30 * done // max(total, 1)
            self.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending="")
            self.stderr.flush()

        run = retention_refresh(workspace=ws, actor=None, model=model, progress=bar)
        self.stderr.write("")
        self._report(run)

    def _report(self, run: RetentionRun) -> None:
        self.stdout.write(f"run {run.pk}: {run.status}, {run.progress_done} customers scored")
        if run.parameters:
            params = ", ".join(f"{k} = {v:.4f}" for k, v in run.parameters.items())
            self.stdout.write(f"{run.model}: {params}; LL = {run.log_likelihood:.2f}")
            with translation.override("en"):
                if sentence := choice_sentence(run):
                    self.stdout.write(sentence)
        if run.reason:
            self.stdout.write(f"reason: {run.reason_text}")
        for warning in run.warning_texts:
            self.stdout.write(f"warning: {warning}")
        if run.status == "failed":
            raise CommandError(f"The refresh failed: {run.reason_text}")

    def _validate(
        self,
        *,
        workspace: str,
        calibration_end: dt.date,
        holdout_end: dt.date | None,
        model: str,
        json: bool,
        **_: Any,
    ) -> None:
        try:
            report = retention_validate(
                workspace=_workspace(workspace),
                calibration_end=calibration_end,
                holdout_end=holdout_end,
                model=model,
            )
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        lines = [
            f"{model} fitted on {report.customers} customers up to {report.calibration_end}, "
            f"holdout to {report.holdout_end} ({report.holdout_weeks:.1f} weeks)",
            "calibration repeat purchases\tcustomers\tactual holdout\tpredicted holdout",
        ]
        lines += [
            f"{r.purchases}{'+' if r.purchases == 7 else ''}\t{r.customers}\t"
            f"{r.actual:.3f}\t{r.predicted:.3f}"
            for r in report.conditional
        ]
        lines.append("week\tcumulative repeat purchases\tmodel")
        lines += [f"{p.week}\t{p.actual}\t{p.expected:.1f}" for p in report.weekly]
        self._emit(dataclasses.asdict(report), json, "\n".join(lines))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _workspace(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise CommandError(f"No workspace {slug!r}")
    return workspace


def _read(path: Path, *, need_monetary: bool = False) -> SummaryFile:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return parse(handle, need_monetary=need_monetary)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not a UTF-8 text file") from exc
    except SummaryFileError as exc:
        raise CommandError("\n".join(f"{path}: {line}" for line in exc.errors)) from exc
