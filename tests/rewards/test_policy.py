"""The rewards services refuse, by themselves, an actor whose role their policy refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clientela.accounts.policy import Rule
from clientela.rewards.models import (
    CatalogueItem,
    Compensation,
    CompensationKind,
    GiftCertificate,
    RedemptionChannel,
)
from clientela.rewards.policy import (
    CATALOGUE_UPDATE,
    CERTIFICATE_REDEEM,
    CERTIFICATE_SEND,
    COMPENSATION_APPROVE,
    COMPENSATION_PROPOSE,
)
from clientela.rewards.services.catalogue import catalogue_item_update, catalogue_seed
from clientela.rewards.services.certificates import certificate_redeem, certificate_send
from clientela.rewards.services.compensations import (
    compensation_approve,
    compensation_propose,
)
from tests.policy import Objects, Refusal, actor_at, actor_below, assert_refused, objects_of

pytestmark = pytest.mark.django_db


# Written before each call (the `objects` fixture): a refused call must change no row.
CODES: dict[int, str] = {}


def _item(o: Objects) -> CatalogueItem:
    return CatalogueItem.objects.get(workspace=o.workspace, kind=CompensationKind.GIFT_CERTIFICATE)


def _certificate(o: Objects) -> GiftCertificate:
    return GiftCertificate.objects.get(workspace=o.workspace)


def _send(o: Objects, actor: Any) -> object:
    return certificate_send(certificate=_certificate(o), actor=actor, code=CODES[o.workspace.pk])


def _redeem(o: Objects, actor: Any) -> object:
    return certificate_redeem(
        certificate=_certificate(o),
        actor=actor,
        amount=Decimal(1),
        channel=RedemptionChannel.COUNTER,
    )


REFUSALS: dict[Rule, Refusal] = {
    COMPENSATION_PROPOSE: lambda o, actor: compensation_propose(
        customer=o.customer, actor=actor, item=_item(o), cost=Decimal(5)
    ),
    COMPENSATION_APPROVE: lambda o, actor: compensation_approve(
        compensation=Compensation.objects.get(workspace=o.workspace, status="pending"), actor=actor
    ),
    CATALOGUE_UPDATE: lambda o, actor: catalogue_item_update(
        item=_item(o), actor=actor, name="Mug", default_cost=Decimal(3), active=True
    ),
    CERTIFICATE_REDEEM: _redeem,
    CERTIFICATE_SEND: _send,
}


@pytest.fixture
def objects(cast) -> Objects:
    o = objects_of(cast)
    catalogue_seed(workspace=o.workspace)
    item = _item(o)
    given = compensation_propose(customer=o.customer, actor=None, item=item, cost=Decimal(10))
    compensation_propose(customer=o.customer, actor=None, item=item, cost=Decimal(400))
    assert given.code is not None
    CODES[o.workspace.pk] = given.code
    return o


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
