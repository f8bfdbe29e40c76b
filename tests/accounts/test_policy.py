"""The policy mechanism, the accounts app's rules in its services, and every rule exercised."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

import clientela.api
from clientela.accounts.models import Invitation, Membership, Role
from clientela.accounts.policy import (
    CHECKLIST_DISMISS,
    INVITATION_CREATE,
    INVITATION_RESEND,
    INVITATION_REVOKE,
    MEMBERSHIP_ADD,
    MEMBERSHIP_REMOVE,
    MEMBERSHIP_ROLE_CHANGE,
    TOKEN_REVOKE,
    WORKSPACE_UPDATE,
    NotPermitted,
    Rule,
    allows,
    enforce,
    permit,
    rules,
)
from clientela.accounts.services import (
    checklist_dismiss,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_add,
    membership_remove,
    membership_role_change,
    token_revoke,
    workspace_update,
)
from clientela.customers.policy import CUSTOMER_DELETE
from tests.policy import (
    Objects,
    Refusal,
    actor_at,
    actor_below,
    assert_refused,
    objects_of,
)

pytestmark = pytest.mark.django_db

REFUSALS: dict[Rule, Refusal] = {
    MEMBERSHIP_ADD: lambda o, actor: membership_add(
        workspace=o.workspace, user=o.newcomer, role=Role.VIEWER, actor=actor
    ),
    MEMBERSHIP_ROLE_CHANGE: lambda o, actor: membership_role_change(
        membership=o.membership, role=Role.MANAGER, actor=actor
    ),
    MEMBERSHIP_REMOVE: lambda o, actor: membership_remove(membership=o.membership, actor=actor),
    TOKEN_REVOKE: lambda o, actor: token_revoke(token=o.token, actor=actor),
    INVITATION_CREATE: lambda o, actor: invitation_create(
        workspace=o.workspace, email="new@example.com", role=Role.AGENT, actor=actor
    ),
    INVITATION_RESEND: lambda o, actor: invitation_resend(invitation=_invited(o), actor=actor),
    INVITATION_REVOKE: lambda o, actor: invitation_revoke(invitation=_invited(o), actor=actor),
    WORKSPACE_UPDATE: lambda o, actor: workspace_update(
        workspace=o.workspace,
        actor=actor,
        name="Shop",
        currency="EUR",
        time_zone="Europe/Bucharest",
        default_language="ro",
    ),
    CHECKLIST_DISMISS: lambda o, actor: checklist_dismiss(workspace=o.workspace, actor=actor),
}


def _invited(o: Objects) -> Invitation:
    """The shop's pending invitation (made by the `objects` fixture)."""
    return Invitation.objects.get(workspace=o.workspace, email="invited@example.com")


@pytest.fixture
def objects(cast) -> Objects:
    invitation_create(
        workspace=cast.shop, email="invited@example.com", role=Role.VIEWER, actor=None
    )
    return objects_of(cast)


# The mechanism -----------------------------------------------------------------------------


def test_a_rule_admits_its_minimum_role_and_every_higher_one():
    ranks = [Role.VIEWER, Role.AGENT, Role.MANAGER, Role.OWNER]
    for minimum in ranks:
        rule = Rule("thing.do", minimum)
        assert [rule.admits(role) for role in ranks] == [
            ranks.index(role) >= ranks.index(minimum) for role in ranks
        ]


def test_allows_reads_the_membership_it_is_given_without_a_query(cast, django_assert_num_queries):
    agent = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    with django_assert_num_queries(0):
        assert (allows(agent, CUSTOMER_DELETE), allows(None, CUSTOMER_DELETE)) == (False, False)
        assert allows(agent, Rule("thing.do", Role.AGENT))


def test_the_system_is_always_permitted_and_asks_nothing(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        permit(actor=None, workspace=cast.shop, rule=Rule("thing.do", Role.OWNER))


def test_a_member_costs_one_query_and_is_refused_below_the_minimum(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        permit(actor=cast.manager, workspace=cast.shop, rule=CUSTOMER_DELETE)
    with django_assert_num_queries(1), pytest.raises(NotPermitted) as refused:
        permit(actor=cast.teammate, workspace=cast.shop, rule=CUSTOMER_DELETE)
    assert (refused.value.rule, refused.value.role) == (CUSTOMER_DELETE, Role.AGENT)


def test_the_owner_of_another_workspace_is_no_member_here(cast):
    with pytest.raises(NotPermitted) as refused:
        permit(actor=cast.outsider, workspace=cast.shop, rule=Rule("thing.see", Role.VIEWER))
    assert refused.value.role is None
    permit(actor=cast.outsider, workspace=cast.other_shop, rule=Rule("thing.do", Role.OWNER))


def test_the_refusal_says_which_role_is_needed_in_the_readers_language(cast):
    agent = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    with pytest.raises(NotPermitted) as refused:
        enforce(agent, CUSTOMER_DELETE)
    assert str(refused.value) == "Your role (Agent) cannot do this; it needs Manager or higher."
    with translation.override("ro"):
        assert str(refused.value) == (
            "Rolul dumneavoastră (Agent) nu permite această acțiune; este nevoie de "
            "Manager sau mai mult."
        )


def test_rules_are_found_in_every_apps_policy_module_by_name():
    found = rules()
    assert found["customer.delete"] is CUSTOMER_DELETE
    assert {"membership.add", "order.delete", "retention.refresh"} <= set(found)
    assert all(name == rule.name for name, rule in found.items())


# The accounts services check their rules themselves ---------------------------------------


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


# Every rule is exercised ------------------------------------------------------------------


def _page_rules() -> set[str]:
    """The rules of the web pages, each requested by every role in tests/web's matrix (which
    names every URL pattern and holds its 403s against these rules)."""

    def walk(patterns: list) -> set[str]:
        found: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found |= walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                rule = getattr(pattern.callback, "policy_rule", None)
                found |= {rule.name} if rule is not None else set()
        return found

    return walk(get_resolver().url_patterns)


def _api_rules() -> set[str]:
    """The rules the API's routers require, each called by every caller in tests/api's matrix
    (which names every operation and holds its 403s against the rules checked)."""
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(clientela.api.__path__, "clientela.api.")
    ]
    return {v.name for module in modules for v in vars(module).values() if isinstance(v, Rule)}


def _service_rules() -> set[str]:
    """The rules whose services are shown to refuse by themselves (each app's REFUSALS)."""
    from tests.care.test_policy import REFUSALS as care
    from tests.commerce.test_policy import REFUSALS as commerce
    from tests.customers.test_policy import REFUSALS as customers
    from tests.forwarding.test_policy import REFUSALS as forwarding
    from tests.imports.test_policy import REFUSALS as imports
    from tests.inbox.test_policy import REFUSALS as inbox
    from tests.mail.test_policy import REFUSALS as mail
    from tests.outreach.test_policy import REFUSALS as outreach
    from tests.retention_service.test_policy import REFUSALS as retention
    from tests.rewards.test_policy import REFUSALS as rewards

    tables = (
        REFUSALS,
        customers,
        commerce,
        imports,
        retention,
        mail,
        outreach,
        inbox,
        forwarding,
        care,
        rewards,
    )
    return {rule.name for table in tables for rule in table}


def test_every_rule_is_exercised_by_a_matrix_or_a_service_test():
    exercised = _page_rules() | _api_rules() | _service_rules()
    assert sorted(set(rules()) - exercised) == []
    # The transitional role-only rules of the pages without a policy are no policy's rules.
    assert {name for name in exercised if not name.startswith("role.")} <= set(rules())
