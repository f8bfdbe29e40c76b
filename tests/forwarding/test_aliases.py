"""Aliases granted by rule and by hand, revoked, and their settings: the services, the pages
and the API, with their timeline rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.commerce.models import OrderStatus
from clientela.commerce.services import order_create
from clientela.customers.services import customer_create
from clientela.forwarding.models import Alias, AliasStatus, ForwardingDomain, GrantedBy
from clientela.forwarding.services import (
    ForwardingError,
    alias_grant,
    alias_revoke,
    aliases_grant_by_rule,
    aliases_grant_by_rule_all,
    forwarding_settings_update,
)
from clientela.timeline.models import Event
from tests.forwarding.objects import DOMAIN, alias_for, forwarding_domain
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _customer(cast, email: str, orders: int, cancelled: int = 0, workspace=None):  # type: ignore[no-untyped-def]
    workspace = workspace or cast.shop
    customer = customer_create(
        workspace=workspace, actor=None, email=email, first_name="Ana", last_name="Pop"
    )
    for index in range(orders + cancelled):
        order = order_create(
            workspace=workspace,
            actor=None,
            customer=customer,
            placed_at=datetime(2026, 1, 1 + index, tzinfo=UTC),
            total=Decimal("10.00"),
        )
        if index >= orders:
            order.status = OrderStatus.CANCELLED
            order.save(update_fields=["status"])
    return customer


def _rule(cast, min_orders: int | None = 3) -> None:  # type: ignore[no-untyped-def]
    forwarding_settings_update(
        workspace=cast.shop,
        actor=cast.owner,
        domains=[DOMAIN],
        min_orders=min_orders,
        rate_per_hour=60,
        max_message_kb=1024,
    )


def test_the_rule_grants_regular_customers_once_and_leaves_the_rest(cast):
    _rule(cast)
    regular = _customer(cast, "regular@example.ro", orders=3)
    _customer(cast, "two@example.ro", orders=2, cancelled=2)  # cancelled orders do not count
    customer_create(workspace=cast.shop, actor=None, first_name="No address")
    _customer(cast, "theirs@example.ro", orders=5, workspace=cast.other_shop)

    assert aliases_grant_by_rule_all() == 1
    assert aliases_grant_by_rule(workspace=cast.shop) == 0  # idempotent
    alias = Alias.objects.get()
    assert (alias.customer, alias.address, alias.granted_by, alias.status) == (
        regular,
        f"ana.pop@{DOMAIN}",
        GrantedBy.RULE,
        AliasStatus.ACTIVE,
    )
    assert alias.reason == "at least 3 orders"
    event = Event.objects.get(kind="alias.granted")
    assert (event.customer_id, event.actor_id, event.actor_label) == (regular.pk, None, "system")

    # Revoked by hand: the rule does not give it back.
    alias_revoke(alias=alias, actor=cast.manager, reason="asked")
    assert aliases_grant_by_rule(workspace=cast.shop) == 0
    assert Alias.objects.get().status == AliasStatus.REVOKED


def test_no_rule_or_no_domain_grants_nothing(cast):
    _customer(cast, "regular@example.ro", orders=4)
    assert aliases_grant_by_rule(workspace=cast.shop) == 0
    _rule(cast, None)
    assert aliases_grant_by_rule(workspace=cast.shop) == 0


def test_a_hand_grant_reuses_the_same_address_for_life(cast):
    forwarding_domain(cast.shop)
    ana = _customer(cast, "ana@example.ro", orders=0)
    other = _customer(cast, "ana2@example.ro", orders=0)
    first = alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana, reason="VIP")
    taken = alias_grant(workspace=cast.shop, actor=cast.manager, customer=other)
    assert first.local_part == "ana.pop" and taken.local_part.startswith("ana.pop.")
    with pytest.raises(ForwardingError):
        alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana)
    assert alias_revoke(alias=first, actor=cast.manager)
    assert not alias_revoke(alias=first, actor=cast.manager)  # already off: no second event
    again = alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana)
    assert (again.pk, again.address, again.status) == (first.pk, first.address, "active")
    kinds = list(
        Event.objects.filter(subject_id=first.pk, subject_type="alias")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "alias.granted",
        "alias.notice_sent",
        "alias.revoked",
        "alias.granted",
        "alias.notice_sent",
    ]


@pytest.mark.parametrize("local", ["postmaster", "bounces", "a b", "x" * 41, "-x", "ană"])
def test_a_hand_grant_refuses_reserved_or_odd_local_parts(cast, local):
    forwarding_domain(cast.shop)
    ana = _customer(cast, "ana@example.ro", orders=0)
    with pytest.raises(ForwardingError):
        alias_grant(workspace=cast.shop, actor=cast.manager, customer=ana, local_part=local)
    assert Alias.objects.count() == 0


def test_settings_refuse_a_domain_of_another_workspace_and_keep_domains_in_use(cast):
    ForwardingDomain.objects.create(workspace=cast.other_shop, domain="theirs.example")
    with pytest.raises(ForwardingError):
        forwarding_settings_update(
            workspace=cast.shop,
            actor=cast.owner,
            domains=["theirs.example"],
            min_orders=None,
            rate_per_hour=5,
            max_message_kb=100,
        )
    with pytest.raises(ForwardingError):
        forwarding_settings_update(
            workspace=cast.shop,
            actor=cast.owner,
            domains=["not a domain"],
            min_orders=None,
            rate_per_hour=5,
            max_message_kb=100,
        )
    alias_for(_customer(cast, "ana@example.ro", orders=0))
    with pytest.raises(ForwardingError):
        forwarding_settings_update(
            workspace=cast.shop,
            actor=cast.owner,
            domains=["new.example"],
            min_orders=None,
            rate_per_hour=5,
            max_message_kb=100,
        )
    assert list(
        ForwardingDomain.objects.filter(workspace=cast.shop).values_list("domain", flat=True)
    ) == [DOMAIN]


def test_the_pages_grant_and_revoke_and_show_the_aliases(cast, client_for):
    forwarding_domain(cast.shop)
    _customer(cast, "ana@example.ro", orders=0)
    manager = client_for(cast.manager)
    response = post(
        manager,
        "/w/alice/forwarding/grant/",
        {"email": "ANA@example.ro", "local_part": "ana", "reason": "VIP"},
    )
    assert response.status_code == 302
    alias = Alias.objects.get()
    assert alias.address == f"ana@{DOMAIN}"
    page = manager.get("/w/alice/forwarding/")
    assert page.status_code == 200 and f"ana@{DOMAIN}".encode() in page.content
    assert post(manager, f"/w/alice/forwarding/{alias.pk}/revoke/", {}).status_code == 302
    assert Alias.objects.get().status == AliasStatus.REVOKED
    # Another workspace's alias is not found.
    forwarding_domain(cast.other_shop, "client.bob.example")
    theirs = alias_for(_customer(cast, "t@example.ro", orders=0, workspace=cast.other_shop))
    assert post(manager, f"/w/alice/forwarding/{theirs.pk}/revoke/", {}).status_code == 404
    assert Alias.objects.get(pk=theirs.pk).status == AliasStatus.ACTIVE


def test_the_settings_page_saves_domains_and_the_rule(cast, client_for):
    owner = client_for(cast.owner)
    assert owner.get("/w/alice/forwarding/settings/").status_code == 200
    response = post(
        owner,
        "/w/alice/forwarding/settings/",
        {
            "domains": f"{DOMAIN.upper()}\r\nclient2.alice.example\r\n",
            "min_orders": "3",
            "rate_per_hour": "30",
            "max_message_kb": "2048",
        },
    )
    assert response.status_code == 302
    assert sorted(ForwardingDomain.objects.values_list("domain", flat=True)) == [
        "client.alice.example",
        "client2.alice.example",
    ]
    assert Event.objects.filter(kind="forwarding.settings_changed").count() == 1


def test_the_api_grants_lists_and_revokes(cast, client_for):
    from clientela.accounts.models import Membership
    from clientela.accounts.services import token_create

    forwarding_domain(cast.shop)
    ana = _customer(cast, "ana@example.ro", orders=0)
    token = token_create(
        membership=Membership.objects.get(workspace=cast.shop, user=cast.manager), name="t"
    ).plaintext
    from django.test import Client

    api = Client(headers={"Authorization": f"Bearer {token}"})
    made = api.post(
        "/api/v1/forwarding/aliases",
        {"customer_id": ana.pk, "local_part": "ana"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["address"] == f"ana@{DOMAIN}"
    listed = api.get("/api/v1/forwarding/aliases").json()
    assert [item["address"] for item in listed["items"]] == [f"ana@{DOMAIN}"]
    again = api.post(
        "/api/v1/forwarding/aliases", {"customer_id": ana.pk}, content_type="application/json"
    )
    assert again.status_code == 422
    revoked = api.post(
        f"/api/v1/forwarding/aliases/{made.json()['id']}/revoke",
        {"reason": "x"},
        content_type="application/json",
    )
    assert revoked.json()["status"] == "revoked"
