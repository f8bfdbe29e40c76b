"""Words for the retention engine's reason codes, in the reader's language.

`stats` and `engine` import no Django, so they say why a fit was refused or failed with a code
and the numbers behind it (`rfm.TOO_FEW_CUSTOMERS`, {"customers": 10, "minimum": 100}). Runs
store the code and the numbers; pages, the API and the console word them here, at the time of
reading, so a Romanian reader sees Romanian whatever language the refresh ran in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from clientela.retention import engine
from clientela.retention.stats import rfm

NO_HOLDOUT = "no_holdout"
UNKNOWN_MODEL = "unknown_model"  # model
NUMERICAL_ERROR = "numerical_error"

# Each plural message names the value that picks its form.
_MESSAGES: dict[str, Any] = {  # lazy strings; `%` on a lazy plural picks its form
    rfm.TOO_FEW_CUSTOMERS: ngettext_lazy(
        "only %(customers)d customer; a model needs at least %(minimum)d",
        "only %(customers)d customers; a model needs at least %(minimum)d",
        "customers",
    ),
    rfm.TOO_FEW_REPEAT_BUYERS: ngettext_lazy(
        "only %(repeat_customers)d customer bought again; a model needs at least %(minimum)d",
        "only %(repeat_customers)d customers bought again; a model needs at least %(minimum)d",
        "repeat_customers",
    ),
    rfm.HISTORY_TOO_SHORT: ngettext_lazy(
        "%(history_days)d day of history; a model needs at least %(minimum_days)d days",
        "%(history_days)d days of history; a model needs at least %(minimum_days)d days",
        "history_days",
    ),
    rfm.HISTORY_SHORTER_THAN_GAPS: ngettext_lazy(
        "%(history_days)d day of history is less than twice the usual gap between purchases "
        "(%(gap_days)d days)",
        "%(history_days)d days of history is less than twice the usual gap between purchases "
        "(%(gap_days)d days)",
        "history_days",
    ),
    engine.NOT_CONVERGED: _(
        "The search for the %(model)s parameters did not converge on these purchases; "
        "try the other model or a different date."
    ),
    engine.INFINITE_MEAN_SPEND: _("The spend model gives an infinite mean spend."),
    engine.SAME_DROPOUT: _(
        "The best %(model)s fit lies at the edge of the model: your customers do not differ in "
        "how likely they are to stop buying, so the scores treat them all alike in that."
    ),
    engine.SAME_RATE: _(
        "The best %(model)s fit lies at the edge of the model: your customers do not differ in "
        "how often they buy, so the scores treat them all alike in that."
    ),
    NO_HOLDOUT: _("There are no purchases after the end of the calibration period."),
    UNKNOWN_MODEL: _("Unknown model %(model)s."),
    NUMERICAL_ERROR: _("The model could not be fitted: a numerical error stopped the search."),
}
REFUSALS = (
    rfm.TOO_FEW_CUSTOMERS,
    rfm.TOO_FEW_REPEAT_BUYERS,
    rfm.HISTORY_TOO_SHORT,
    rfm.HISTORY_SHORTER_THAN_GAPS,
)
_MODEL_NAMES = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "paretonbd": "Pareto/NBD"}


def reason_text(code: str, values: Mapping[str, Any]) -> str:
    """The sentence for `code` in the active language; refusals are a clause, not a sentence
    (the pages put them after their own lead-in)."""
    named = {**values}
    if "model" in named:
        named["model"] = _MODEL_NAMES.get(str(named["model"]), named["model"])
    return str(_MESSAGES[code] % named)


def error_text(code: str, values: Mapping[str, Any]) -> str:
    """A whole sentence, for messages that stand alone (validation, the console)."""
    if code in REFUSALS:
        return str(
            _("The model cannot be fitted: %(reason)s.") % {"reason": reason_text(code, values)}
        )
    return reason_text(code, values)
