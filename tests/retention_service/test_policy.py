"""The retention services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.accounts.policy import Rule
from clientela.retention.policy import (
    RETENTION_REFRESH,
    RETENTION_SETTINGS_UPDATE,
    RETENTION_VALIDATE,
)
from clientela.retention.services import (
    retention_run_request,
    retention_settings_update,
    retention_validation_request,
)
from clientela.retention.tasks import retention_refresh_enqueue, retention_validation_enqueue
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db

END = dt.date(2026, 1, 31)

REFUSALS: dict[Rule, Refusal] = {
    RETENTION_REFRESH: lambda o, actor: retention_run_request(workspace=o.workspace, actor=actor),
    RETENTION_VALIDATE: lambda o, actor: retention_validation_request(
        workspace=o.workspace, actor=actor, calibration_end=END
    ),
    RETENTION_SETTINGS_UPDATE: lambda o, actor: retention_settings_update(
        workspace=o.workspace, actor=actor, clv_margin=0.5
    ),
}

# What the buttons call: the same services, then a task once committed.
ALSO: list[tuple[Rule, Refusal]] = [
    (RETENTION_REFRESH, lambda o, a: retention_refresh_enqueue(workspace=o.workspace, actor=a)),
    (
        RETENTION_VALIDATE,
        lambda o, a: retention_validation_enqueue(
            workspace=o.workspace, actor=a, calibration_end=END
        ),
    ),
]
CALLS = [*REFUSALS.items(), *ALSO]


@pytest.fixture
def objects(cast) -> Objects:
    return objects_of(cast)


def _ids(call: tuple[Rule, Refusal]) -> str:
    return call[0].name


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_refuses_the_role_below_the_minimum(call, cast, objects):
    rule, refusal = call
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: refusal(objects, actor), rule, role)


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_refuses_a_member_of_another_workspace(call, cast, objects):
    rule, refusal = call
    assert_refused(lambda: refusal(objects, cast.outsider), rule, None)


@pytest.mark.parametrize("call", list(REFUSALS.items()), ids=_ids)
def test_the_service_lets_the_minimum_role_do_it(call, cast, objects):
    rule, refusal = call
    refusal(objects, actor_at(cast, rule))
