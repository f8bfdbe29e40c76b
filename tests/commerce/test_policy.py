"""The commerce services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.accounts.policy import Rule
from clientela.commerce.policy import (
    ORDER_CREATE,
    ORDER_DELETE,
    ORDER_UPDATE,
    PRODUCT_CREATE,
    PRODUCT_DELETE,
    PRODUCT_UPDATE,
)
from clientela.commerce.services import (
    order_create,
    order_delete,
    order_update,
    product_create,
    product_delete,
    product_update,
)
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db

REFUSALS: dict[Rule, Refusal] = {
    PRODUCT_CREATE: lambda o, actor: product_create(workspace=o.workspace, actor=actor, name="X"),
    PRODUCT_UPDATE: lambda o, actor: product_update(product=o.product, actor=actor, name="Y"),
    PRODUCT_DELETE: lambda o, actor: product_delete(product=o.product, actor=actor),
    ORDER_CREATE: lambda o, actor: order_create(
        workspace=o.workspace,
        actor=actor,
        customer=o.customer,
        placed_at=datetime(2026, 3, 2, tzinfo=UTC),
        total=Decimal("5.00"),
    ),
    ORDER_UPDATE: lambda o, actor: order_update(order=o.order, actor=actor, status="cancelled"),
    ORDER_DELETE: lambda o, actor: order_delete(order=o.order, actor=actor),
}


@pytest.fixture
def objects(cast) -> Objects:
    return objects_of(cast)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_the_role_below_the_minimum(rule, cast, objects):
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: REFUSALS[rule](objects, actor), rule, role)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_refuses_a_member_of_another_workspace(rule, cast, objects):
    assert_refused(lambda: REFUSALS[rule](objects, cast.outsider), rule, None)


@pytest.mark.parametrize("rule", list(REFUSALS), ids=lambda rule: rule.name)
def test_the_service_lets_the_minimum_role_do_it(rule, cast, objects):
    REFUSALS[rule](objects, actor_at(cast, rule))
