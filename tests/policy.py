"""Helpers for the policy tests: who stands just below a rule, and proof that nothing was written.

Each app's `test_policy.py` lists, in `REFUSALS`, one call of a service per rule that service
checks; `tests/accounts/test_policy.py` holds every rule against those lists and the matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from clientela.accounts.models import ApiToken, Membership, Role, User, Workspace
from clientela.accounts.policy import NotPermitted, Rule
from clientela.accounts.services import token_create
from clientela.commerce.models import Order, Product
from clientela.commerce.services import order_create, product_create
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.services import consent_grant, customer_create, customer_email_add
from tests.conftest import Cast


@dataclass(frozen=True)
class Objects:
    """One of each thing a service of the shop can change, written by the system."""

    cast: Cast
    workspace: Workspace
    customer: Customer
    second_email: CustomerEmail  # neither primary nor the only one: removable
    consent: Consent
    product: Product
    order: Order
    membership: Membership  # the agent's
    token: ApiToken  # the owner's
    newcomer: User  # not a member yet


def objects_of(cast: Cast) -> Objects:
    shop = cast.shop
    customer = customer_create(workspace=shop, actor=None, email="ana@example.com")
    return Objects(
        cast=cast,
        workspace=shop,
        customer=customer,
        second_email=customer_email_add(
            customer=customer, address="ana@work.example.com", actor=None
        ),
        consent=consent_grant(
            customer=customer, purpose="marketing", channel="email", source="t", ip=None, actor=None
        ),
        product=product_create(workspace=shop, actor=None, name="Tea"),
        order=order_create(
            workspace=shop,
            actor=None,
            customer=customer,
            placed_at=datetime(2026, 3, 1, tzinfo=UTC),
            total=Decimal("10.00"),
        ),
        membership=Membership.objects.get(workspace=shop, user=cast.teammate),
        token=token_create(
            membership=Membership.objects.get(workspace=shop, user=cast.owner), name="t"
        ).token,
        newcomer=User.objects.create_user("nina@example.com", "x" * 20),
    )


# One call of a service, made by `actor`, for the rule it is listed under.
Refusal = Callable[[Objects, User], object]


def actor_below(cast: Cast, rule: Rule) -> tuple[User, Role | None]:
    """The member of the shop one role below the rule's minimum, with that role; the outsider
    (no role in the shop) for a rule every member passes."""
    below = {
        Role.AGENT: (cast.viewer, Role.VIEWER),
        Role.MANAGER: (cast.teammate, Role.AGENT),
        Role.OWNER: (cast.manager, Role.MANAGER),
    }
    return below.get(rule.minimum, (cast.outsider, None))


def actor_at(cast: Cast, rule: Rule) -> User:
    """The member of the shop with exactly the rule's minimum role."""
    return cast.member(rule.minimum)


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table: a refused call must leave all of them as they were."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def assert_refused(call: Callable[[], object], rule: Rule, role: Role | None) -> None:
    before = rows()
    with pytest.raises(NotPermitted) as refused:
        call()
    assert (refused.value.rule, refused.value.role) == (rule, role)
    assert rows() == before


def assert_checked(rule: Rule, refusal: Refusal, cast: Cast, objects: Objects) -> None:
    """The service refuses the role just below `rule` and a member of another workspace,
    leaving every row as it was, and lets the rule's minimum role do it."""
    actor, role = actor_below(cast, rule)
    assert_refused(lambda: refusal(objects, actor), rule, role)
    assert_refused(lambda: refusal(objects, cast.outsider), rule, None)
    refusal(objects, actor_at(cast, rule))


@contextmanager
def refusals() -> Iterator[list[NotPermitted]]:
    """Every NotPermitted raised while inside (a page or a service refusing, not a template
    hiding a button)."""
    raised: list[NotPermitted] = []
    original = NotPermitted.__init__

    def init(self: NotPermitted, rule: Rule, role: Role | None) -> None:
        original(self, rule, role)
        raised.append(self)

    NotPermitted.__init__ = init  # type: ignore[method-assign]
    try:
        yield raised
    finally:
        NotPermitted.__init__ = original  # type: ignore[method-assign]
