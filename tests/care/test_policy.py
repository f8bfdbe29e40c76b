"""The care services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from clientela.accounts.policy import Rule
from clientela.care.models import Case, CaseStatus
from clientela.care.policy import (
    CARE_SETTINGS_UPDATE,
    CASE_OPEN,
    CASE_REVIEW,
    CASE_WORK,
    HANDLING_OVERRIDE,
)
from clientela.care.services import cases as services
from tests.care.objects import care_case
from tests.policy import Objects, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class CareObjects:
    base: Objects
    case: Case
    closed: Case  # not resolved, waiting for its review


REFUSALS: dict[Rule, Any] = {
    CASE_OPEN: lambda o, actor: services.case_open(
        workspace=o.base.workspace,
        actor=actor,
        customer=o.base.customer,
        subject="Vaza",
        complaint="Spartă",
    ),
    CASE_WORK: lambda o, actor: services.case_acknowledge(case=o.case, actor=actor),
    CASE_REVIEW: lambda o, actor: services.case_review(
        case=o.closed, actor=actor, what_went_wrong="a", lesson="b", change="c"
    ),
    HANDLING_OVERRIDE: lambda o, actor: services.case_handling_set(
        case=o.case, actor=actor, handling="facts", reason="Reclamă des."
    ),
    CARE_SETTINGS_UPDATE: lambda o, actor: services.care_settings_update(
        workspace=o.base.workspace, actor=actor, complainer_threshold=70
    ),
}


@pytest.fixture
def objects(cast: Any) -> CareObjects:
    base = objects_of(cast)
    case = care_case(cast, base.customer)
    closed = care_case(cast, base.customer, subject="Alta")
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.NOT_RESOLVED)
    closed.refresh_from_db()
    return CareObjects(base, case, closed)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_the_role_below_the_minimum(rule, cast, objects):  # type: ignore[no-untyped-def]
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: REFUSALS[rule](objects, actor), rule, role)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_a_member_of_another_workspace(rule, cast, objects):  # type: ignore[no-untyped-def]
    assert_refused(lambda: REFUSALS[rule](objects, cast.outsider), rule, None)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_lets_the_minimum_role_do_it(rule, cast, objects):  # type: ignore[no-untyped-def]
    REFUSALS[rule](objects, actor_at(cast, rule))
