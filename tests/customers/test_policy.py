"""The customers services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

import pytest

from clientela.accounts.policy import Rule
from clientela.customers.policy import (
    CONSENT_GRANT,
    CONSENT_WITHDRAW,
    CUSTOMER_CREATE,
    CUSTOMER_DELETE,
    CUSTOMER_EMAIL_CHANGE,
    CUSTOMER_TAGS_SET,
    CUSTOMER_UPDATE,
)
from clientela.customers.services import (
    consent_grant,
    consent_record_withdraw,
    consent_withdraw,
    customer_create,
    customer_delete,
    customer_email_add,
    customer_email_make_primary,
    customer_email_remove,
    customer_tags_set,
    customer_update,
)
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db

REFUSALS: dict[Rule, Refusal] = {
    CUSTOMER_CREATE: lambda o, actor: customer_create(
        workspace=o.workspace, actor=actor, email="new@example.com"
    ),
    CUSTOMER_UPDATE: lambda o, actor: customer_update(
        customer=o.customer, actor=actor, city="Iasi"
    ),
    CUSTOMER_TAGS_SET: lambda o, actor: customer_tags_set(
        customer=o.customer, names=["vip"], actor=actor
    ),
    CUSTOMER_DELETE: lambda o, actor: customer_delete(customer=o.customer, actor=actor),
    CUSTOMER_EMAIL_CHANGE: lambda o, actor: customer_email_add(
        customer=o.customer, address="ana@home.example.com", actor=actor
    ),
    CONSENT_GRANT: lambda o, actor: consent_grant(
        customer=o.customer, purpose="thank_you", channel="email", source="t", ip=None, actor=actor
    ),
    CONSENT_WITHDRAW: lambda o, actor: consent_record_withdraw(
        consent=o.consent, actor=actor, source="t"
    ),
}

# The other services of the same rules.
ALSO: list[tuple[Rule, Refusal]] = [
    (
        CUSTOMER_EMAIL_CHANGE,
        lambda o, a: customer_email_make_primary(email=o.second_email, actor=a),
    ),
    (CUSTOMER_EMAIL_CHANGE, lambda o, a: customer_email_remove(email=o.second_email, actor=a)),
    (
        CONSENT_WITHDRAW,
        lambda o, a: consent_withdraw(
            customer=o.customer, purpose="marketing", channel="email", actor=a
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


@pytest.mark.parametrize("call", CALLS, ids=_ids)
def test_the_service_lets_the_minimum_role_do_it(call, cast, objects):
    rule, refusal = call
    refusal(objects, actor_at(cast, rule))


def test_an_agent_cannot_delete_a_customer_with_their_orders(cast, objects):
    """Deleting a customer deletes their orders, which an agent may not delete one by one."""
    assert_refused(
        lambda: customer_delete(customer=objects.customer, actor=cast.teammate),
        CUSTOMER_DELETE,
        actor_below(cast, CUSTOMER_DELETE)[1],
    )
    customer_delete(customer=objects.customer, actor=cast.manager)
    assert not type(objects.order).objects.filter(pk=objects.order.pk).exists()
