"""The mail services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

import pytest

from clientela.accounts.policy import Rule
from clientela.mail.branding import branding_set
from clientela.mail.policy import DELIVERY_BRANDING_SET, DELIVERY_PAUSE_SET, DELIVERY_SENDER_SET
from clientela.mail.services import delivery_pause_set, delivery_sender_set
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db

REFUSALS: dict[Rule, Refusal] = {
    DELIVERY_PAUSE_SET: lambda o, actor: delivery_pause_set(
        workspace=o.workspace, paused=True, actor=actor
    ),
    DELIVERY_SENDER_SET: lambda o, actor: delivery_sender_set(
        workspace=o.workspace, actor=actor, from_name="Shop", from_email="shop@example.com"
    ),
    DELIVERY_BRANDING_SET: lambda o, actor: branding_set(
        workspace=o.workspace,
        actor=actor,
        brand_color="#1f4e79",
        link_color="#1a5fb4",
        postal_address="Str. Lungă 3, Brașov",
    ),
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
