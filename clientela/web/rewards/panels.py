"""What rewards adds to the complaint case page (listed in `web.nav.CASE_PANELS`): the budget
for the client, the catalogue, the form that proposes a compensation for the case, and the
compensations already proposed on it with their cost."""

from __future__ import annotations

from typing import Any

from clientela.accounts.policy import allows
from clientela.care.models import Case
from clientela.rewards import selectors
from clientela.rewards.policy import COMPENSATION_PROPOSE, COMPENSATION_VIEW
from clientela.rewards.services.catalogue import catalogue_seed
from clientela.web.access import WorkspaceRequest
from clientela.web.nav import Panel
from clientela.web.rewards.forms import CaseProposeForm


def panel_context(case: Case, form: CaseProposeForm | None = None) -> dict[str, Any]:
    items = selectors.catalogue(case.workspace, active_only=True)
    compensations = selectors.case_compensations(case)
    return {
        "case": case,
        "budget": selectors.budget_for(case.customer),
        "items": items,
        "compensations": compensations,
        "given_cost": selectors.given_cost(compensations),
        "proposal_form": form or CaseProposeForm(items=items),
        "share": int(selectors.BUDGET_SHARE * 100),
        "floor": selectors.BUDGET_FLOOR,
        "cap": selectors.BUDGET_CAP,
    }


def case_compensations(request: WorkspaceRequest, case: Case) -> Panel | None:
    if not allows(request.membership, COMPENSATION_VIEW):
        return None
    may_propose = allows(request.membership, COMPENSATION_PROPOSE)
    if may_propose:
        # As the customer's offer page does: a shop's first offer finds the guide's catalogue.
        catalogue_seed(workspace=case.workspace)
    context = panel_context(case)
    context["may_propose"] = may_propose
    return Panel("web/rewards/_case_compensations.html", context)
