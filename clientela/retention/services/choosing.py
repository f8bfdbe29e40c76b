"""Which model a refresh fits: the one its request named, the one a manager pinned in the
settings, or (the default) the one that forecast the shop's own recent purchases best.

The automatic choice holds out the last part of the history (`stats.choice.holdout_split`),
summarises the purchases up to the calibration end in SQL (one more summary, with the same
newest order as the run's), fits every model of `engine.MODELS` on it and keeps the best
(`compare.compare`); the caller then refits the chosen model on the whole history, which is
what the scores use. The comparison is stored on the run (`RetentionRun.model_choice`) so the
page can say why, in the reader's language, at the time of reading (`choice_sentence`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientela.retention import compare
from clientela.retention.models import AUTOMATIC, RetentionModel, RetentionRun
from clientela.retention.reasons import reason_text
from clientela.retention.selectors import PurchaseSummary, day_number, purchase_summary
from clientela.retention.services.scoring import model_inputs
from clientela.retention.services.settings import retention_settings_for
from clientela.retention.stats import choice

AUTOMATIC_MODE, PINNED, REQUESTED = AUTOMATIC, "pinned", "requested"
_EPOCH = dt.date(1970, 1, 1)


def model_choose(run: RetentionRun, summary: PurchaseSummary, today: dt.date) -> None:
    """Set `run.model` and `run.model_choice` (in memory; the fit phase saves them)."""
    if run.model_choice.get("mode") == REQUESTED:
        return
    pinned = retention_settings_for(run.workspace).model
    if pinned != AUTOMATIC and pinned in RetentionModel.values:
        run.model, run.model_choice = pinned, {"mode": PINNED}
        return
    comparison = _compare(run, summary, today)
    run.model = comparison.chosen
    run.model_choice = {"mode": AUTOMATIC_MODE, **comparison.as_json()}


def model_alternatives(run: RetentionRun) -> list[str]:
    """The other compared models of an automatic choice, best first (by the same rule), for
    when the chosen one cannot be fitted on the whole history; none otherwise."""
    info = run.model_choice
    if info.get("mode") != AUTOMATIC_MODE or info.get("reason") != compare.BEST:
        return []
    left = [
        choice.Accuracy(c["model"], c["mae"], c["predicted"], c["actual"])
        for c in info["candidates"]
        if c.get("mae") is not None and c["model"] != run.model
    ]
    ranked = []
    while left:
        best = choice.choose(left)
        ranked.append(best.model)
        left.remove(best)
    return ranked


def _compare(run: RetentionRun, summary: PurchaseSummary, today: dt.date) -> compare.Comparison:
    first, last = int(summary.first_day.min()), day_number(today)
    split = choice.holdout_split(first, last)
    if split is None:
        return compare.too_short(first, last)
    calibration_end = _EPOCH + dt.timedelta(days=split.calibration_end)
    calibration = purchase_summary(
        run.workspace, as_of=calibration_end, max_order_id=run.max_order_id
    )
    if calibration.size == 0:
        return compare.too_short(first, last)
    # Every calibration customer is in the summary (same orders, a later day): their holdout
    # purchase days are those up to today less those up to the calibration end.
    at = np.searchsorted(summary.customer_id, calibration.customer_id)
    holdout = summary.purchases[at] - calibration.purchases
    inputs = model_inputs(calibration)
    return compare.compare(split, inputs.x, inputs.t_x, inputs.T, holdout)


def _name(model: str) -> str:
    return str(dict(RetentionModel.choices).get(model, model))


def _purchases(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2)


def choice_sentence(run: RetentionRun) -> str:
    """One plain sentence on why the run's scores use its model, in the active language;
    empty for a run that fitted no model or that predates the choice."""
    info: Mapping[str, Any] = run.model_choice or {}
    if not run.fitted or not info:
        return ""
    name = _name(run.model)
    mode = info.get("mode")
    if mode == PINNED:
        return _("Scores use %(model)s, the model a manager chose in the settings.") % {
            "model": name
        }
    if mode == REQUESTED:
        return _("Scores use %(model)s, the model asked for with this refresh.") % {"model": name}
    if info.get("reason") != compare.BEST:
        return _("Scores use %(model)s: the models could not be compared, because %(why)s.") % {
            "model": name,
            "why": _why(info),
        }
    if info.get("refit_failed"):
        return _(
            "Scores use %(model)s: %(best)s forecast your recent sales best but could not be "
            "fitted on your whole history, and %(model)s came next."
        ) % {"model": name, "best": ", ".join(_name(m) for m in info["refit_failed"])}
    compared = [c for c in info.get("candidates", []) if c.get("mae") is not None]
    chosen = next(c for c in compared if c["model"] == run.model)
    others = [_purchases(c["mae"]) for c in compared if c["model"] != run.model]
    weeks = int(info["holdout_weeks"])
    values = {"model": name, "weeks": weeks, "error": _purchases(chosen["mae"])}
    if not others:
        return (
            ngettext(
                "Scores use %(model)s: on your last %(weeks)d week of sales it forecast each "
                "customer's purchases off by %(error)s purchases per customer; the other models "
                "could not be fitted.",
                "Scores use %(model)s: on your last %(weeks)d weeks of sales it forecast each "
                "customer's purchases off by %(error)s purchases per customer; the other models "
                "could not be fitted.",
                weeks,
            )
            % values
        )
    if all(other == values["error"] for other in others):
        # The figures a reader sees are equal: "0.40 against 0.40 and 0.40" would say that
        # the choice is arbitrary without saying it. Say it plainly.
        return (
            ngettext(
                "Scores use %(model)s: on your last %(weeks)d week of sales the models forecast "
                "each customer's purchases about as well (off by about %(error)s purchases per "
                "customer); any of them would do, and %(model)s was kept.",
                "Scores use %(model)s: on your last %(weeks)d weeks of sales the models forecast "
                "each customer's purchases about as well (off by about %(error)s purchases per "
                "customer); any of them would do, and %(model)s was kept.",
                weeks,
            )
            % values
        )
    if len(others) == 1:
        values["other"] = others[0]
        return (
            ngettext(
                "Scores use %(model)s: on your last %(weeks)d week of sales it forecast each "
                "customer's purchases best (off by %(error)s purchases per customer, against "
                "%(other)s for the other model).",
                "Scores use %(model)s: on your last %(weeks)d weeks of sales it forecast each "
                "customer's purchases best (off by %(error)s purchases per customer, against "
                "%(other)s for the other model).",
                weeks,
            )
            % values
        )
    values["others"] = _("%(some)s and %(last)s") % {
        "some": ", ".join(others[:-1]),
        "last": others[-1],
    }
    return (
        ngettext(
            "Scores use %(model)s: on your last %(weeks)d week of sales it forecast each "
            "customer's purchases best (off by %(error)s purchases per customer, against "
            "%(others)s for the others).",
            "Scores use %(model)s: on your last %(weeks)d weeks of sales it forecast each "
            "customer's purchases best (off by %(error)s purchases per customer, against "
            "%(others)s for the others).",
            weeks,
        )
        % values
    )


def _why(info: Mapping[str, Any]) -> str:
    """The clause after "because", in the active language."""
    reason, values = info.get("reason"), info.get("values") or {}
    if reason == choice.HISTORY_TOO_SHORT:
        return (
            ngettext(
                "the history covers %(history_weeks)d week and a comparison needs "
                "%(minimum_weeks)d",
                "the history covers %(history_weeks)d weeks and a comparison needs "
                "%(minimum_weeks)d",
                int(values["history_weeks"]),
            )
            % values
        )
    if reason == choice.CALIBRATION_NOT_READY:
        inner = {k: v for k, v in values.items() if k != "code"}
        return _("the older part of the history is too thin to fit on: %(reason)s") % {
            "reason": reason_text(str(values["code"]), inner)
        }
    return _("no model could be fitted on the older part of the history")
