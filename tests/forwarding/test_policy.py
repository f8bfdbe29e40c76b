"""The forwarding services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

import pytest

from clientela.accounts.policy import Rule
from clientela.customers.models import Customer
from clientela.customers.services import customer_create
from clientela.forwarding.models import Alias
from clientela.forwarding.policy import ALIAS_GRANT, ALIAS_REVOKE, FORWARDING_SETTINGS_UPDATE
from clientela.forwarding.services import alias_grant, alias_revoke, forwarding_settings_update
from tests.forwarding.objects import DOMAIN, alias_for, forwarding_domain
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db


def _grant(o: Objects, actor) -> object:  # type: ignore[no-untyped-def]
    newcomer = Customer.objects.get(workspace=o.workspace, email="new@example.ro")
    return alias_grant(workspace=o.workspace, actor=actor, customer=newcomer)


def _revoke(o: Objects, actor) -> object:  # type: ignore[no-untyped-def]
    return alias_revoke(alias=Alias.objects.get(customer=o.customer), actor=actor)


REFUSALS: dict[Rule, Refusal] = {
    ALIAS_GRANT: _grant,
    ALIAS_REVOKE: _revoke,
    FORWARDING_SETTINGS_UPDATE: lambda o, actor: forwarding_settings_update(
        workspace=o.workspace,
        actor=actor,
        domains=["c.shop.example", DOMAIN],
        min_orders=3,
        rate_per_hour=10,
        max_message_kb=100,
    ),
}


@pytest.fixture
def objects(cast) -> Objects:
    found = objects_of(cast)
    forwarding_domain(cast.shop)
    alias_for(found.customer)
    customer_create(workspace=cast.shop, actor=None, email="new@example.ro")
    return found


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
