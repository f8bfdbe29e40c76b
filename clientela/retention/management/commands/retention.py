"""`clientela retention fit|score|refresh|validate`: the retention engine from the console.

    clientela retention fit --model bgnbd --summary cdnow.csv --json
    clientela retention score --model paretonbd --summary cdnow.csv --horizon 39 --json
    clientela retention score --model mbgnbd --summary cdnow.csv --horizon 39
    clientela retention refresh --workspace SLUG [--model paretonbd]
    clientela retention validate --workspace SLUG --calibration-end 1997-09-30 [--json]

`fit` and `score` read a summary CSV (Lifetimes or Fader-Hardie columns) and work in the file's
own time unit (`clientela.retention.file_commands`, which the console script runs without
setting Django up); `refresh` and `validate` read the workspace's orders.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from clientela.accounts.models import Workspace
from clientela.retention import engine
from clientela.retention.file_commands import (
    FileCommandError,
    add_file_commands,
    fit_output,
    score_output,
)
from clientela.retention.models import RetentionRun
from clientela.retention.services import RetentionError, retention_refresh, retention_validate
from clientela.retention.services.choosing import choice_sentence


class Command(BaseCommand):
    help = "Fit and score retention models, refresh a workspace's scores, validate on a holdout."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_file_commands(sub)
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

    def _fit(self, **options: Any) -> None:
        self._file_command(fit_output, options)

    def _score(self, **options: Any) -> None:
        self._file_command(score_output, options)

    def _file_command(self, output: Callable[..., str], options: dict[str, Any]) -> None:
        try:
            self.stdout.write(output(**options))
        except FileCommandError as exc:
            raise CommandError(str(exc)) from exc

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
