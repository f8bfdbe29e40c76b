"""A compensation answers a complaint case: the link, its checks, the case's list of what was
given, the API's create with `case_id`, and the migration that fills the link from case_ref."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from clientela.accounts.models import Membership
from clientela.accounts.policy import NotPermitted
from clientela.accounts.services import token_create
from clientela.care.models import Case
from clientela.customers.models import Customer
from clientela.rewards.models import Compensation, CompensationKind, CompensationStatus
from clientela.rewards.selectors import case_compensations, given_cost
from clientela.rewards.services.compensations import CompensationError, compensation_propose
from clientela.timeline.models import Event
from tests.api.conftest import Api
from tests.care.objects import care_case
from tests.rewards.conftest import item

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    def make(user) -> Api:
        membership = Membership.objects.get(workspace=cast.shop, user=user)
        return Api(Client(), token_create(membership=membership, name="t").plaintext)

    return make


def test_a_compensation_proposed_for_a_case_is_linked_to_it_and_listed_on_it(cast, ana):
    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    given = compensation_propose(
        customer=ana, actor=cast.teammate, item=gift, cost=Decimal("20.00"), case=case
    )
    pending = compensation_propose(
        customer=ana, actor=cast.teammate, item=gift, cost=Decimal("90.00"), case=case
    )
    compensation_propose(customer=ana, actor=cast.teammate, item=gift, cost=Decimal("5.00"))

    listed = case_compensations(case)
    assert [c.pk for c in listed] == [given.compensation.pk, pending.compensation.pk]
    assert [c.status for c in listed] == [CompensationStatus.GIVEN, CompensationStatus.PENDING]
    assert given_cost(listed) == Decimal("20.00")
    event = Event.objects.get(kind="compensation.proposed", subject_id=given.compensation.pk)
    assert event.new["case"] == case.pk


def test_a_case_of_another_workspace_or_another_customer_is_refused(cast, ana):
    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    other = Customer.objects.create(workspace=cast.other_shop, email="o@example.com")
    foreign = Case.objects.create(
        workspace=cast.other_shop,
        customer=other,
        channel="email",
        category="other",
        subject="x",
        complaint="y",
    )
    with pytest.raises(CompensationError) as refused:
        compensation_propose(
            customer=ana, actor=cast.teammate, item=gift, cost=Decimal(5), case=foreign
        )
    assert (refused.value.field, refused.value.message) == (
        "case",
        "No such case in this workspace.",
    )
    irina_case = care_case(cast)
    with pytest.raises(CompensationError) as refused:
        compensation_propose(
            customer=ana, actor=cast.teammate, item=gift, cost=Decimal(5), case=irina_case
        )
    assert refused.value.message == "This case is another customer's complaint."
    assert Compensation.objects.count() == 0


def test_a_viewer_or_an_outsider_cannot_offer_a_compensation_on_a_case(cast, ana):
    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    for actor in (cast.viewer, cast.outsider):
        with pytest.raises(NotPermitted):
            compensation_propose(customer=ana, actor=actor, item=gift, cost=Decimal(5), case=case)
    assert Compensation.objects.count() == 0


def test_the_case_page_offers_a_compensation_and_lists_it_with_its_cost(cast, ana, client):
    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.FREE_DELIVERY)
    client.force_login(cast.teammate)
    page = client.get(f"/w/alice/care/{case.pk}/").content.decode()
    assert "Offer a compensation" in page and "Budget" in page and gift.name in page
    response = client.post(
        f"/w/alice/care/{case.pk}/compensate/", {"item": gift.pk, "cost": "12.50", "note": ""}
    )
    assert response.status_code == 302 and response["Location"] == f"/w/alice/care/{case.pk}/"
    compensation = Compensation.objects.get()
    assert (compensation.case_id, compensation.cost, compensation.status) == (
        case.pk,
        Decimal("12.50"),
        CompensationStatus.GIVEN,
    )
    page = client.get(f"/w/alice/care/{case.pk}/").content.decode()
    assert 'id="case-given-cost">12,50' in page or 'id="case-given-cost">12.50' in page
    ledger = client.get("/w/alice/rewards/").content.decode()
    assert f'href="/w/alice/care/{case.pk}/"' in ledger


def test_a_viewer_sees_the_compensations_of_a_case_in_the_ledger_without_a_link(cast, ana, client):
    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.FREE_DELIVERY)
    compensation_propose(customer=ana, actor=None, item=gift, cost=Decimal(5), case=case)
    client.force_login(cast.viewer)
    ledger = client.get("/w/alice/rewards/").content.decode()
    assert f"#{case.pk}" in ledger and f'href="/w/alice/care/{case.pk}/"' not in ledger


def test_the_api_creates_a_compensation_for_a_case_and_the_case_lists_it(cast, ana, api):
    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.GIFT_CERTIFICATE)
    created = api(cast.teammate).post(
        "/rewards/compensations", {"case_id": case.pk, "item_id": gift.pk, "cost": "20.00"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["customer_id"], body["case_id"], body["status"], body["cost"]) == (
        ana.pk,
        case.pk,
        "given",
        "20.00",
    )
    assert body["certificate"].startswith("GC-") and len(body["code"]) == 23
    detail = api(cast.viewer).get(f"/care/cases/{case.pk}")
    assert detail.status_code == 403  # cases are for agents and above
    detail = api(cast.teammate).get(f"/care/cases/{case.pk}").json()
    assert [(c["id"], c["cost"], c["status"]) for c in detail["compensations"]] == [
        (body["id"], "20.00", "given")
    ]
    other = care_case(cast)
    refused = api(cast.teammate).post(
        "/rewards/compensations",
        {"case_id": other.pk, "customer_id": ana.pk, "item_id": gift.pk, "cost": "1.00"},
    )
    assert refused.status_code == 422
    assert Compensation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_a_case_ref_that_is_the_number_of_the_customers_case() -> None:
    executor = MigrationExecutor(connection)
    latest = list(executor.loader.graph.leaf_nodes())
    before, after = (
        ("rewards", "0003_compensation_case_link"),
        ("rewards", "0004_compensation_case_from_ref"),
    )
    executor.migrate([before])
    old = MigrationExecutor(connection).loader.project_state([before]).apps
    try:
        ws = old.get_model("accounts", "Workspace").objects.create(name="S", slug="s")
        other_ws = old.get_model("accounts", "Workspace").objects.create(name="T", slug="t")
        Customer_ = old.get_model("customers", "Customer")
        ana, ion = (Customer_.objects.create(workspace=ws, email=e) for e in ("a@x.ro", "i@x.ro"))
        stranger = Customer_.objects.create(workspace=other_ws, email="s@x.ro")
        Case_ = old.get_model("care", "Case")
        fields = {"channel": "email", "category": "other", "subject": "s", "complaint": "c"}
        case = Case_.objects.create(workspace=ws, customer=ana, **fields)
        ions = Case_.objects.create(workspace=ws, customer=ion, **fields)
        foreign = Case_.objects.create(workspace=other_ws, customer=stranger, **fields)
        item_ = old.get_model("rewards", "CatalogueItem").objects.create(
            workspace=ws, kind="small_gift", name="Gift", default_cost=5
        )
        Comp = old.get_model("rewards", "Compensation")
        money = {
            "cost": 5,
            "currency": "RON",
            "budget": 25,
            "value_basis": "spend",
            "customer_value": 0,
            "status": "given",
            "item": item_,
            "kind": "small_gift",
        }
        refs = [str(case.pk), f"#{case.pk}", "TICKET-9", str(ions.pk), str(foreign.pk), ""]
        rows = [Comp.objects.create(workspace=ws, customer=ana, case_ref=r, **money) for r in refs]
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([after])
        linked = {
            c.pk: (c.case_id, c.case_ref)
            for c in Compensation.objects.filter(pk__in=[r.pk for r in rows])
        }
        assert [linked[r.pk] for r in rows] == [
            (case.pk, ""),
            (case.pk, ""),
            (None, "TICKET-9"),
            (None, str(ions.pk)),  # Ion's case, not Ana's: left as a note
            (None, str(foreign.pk)),  # another workspace's: left as a note
            (None, ""),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)


def test_a_workspace_whose_compensations_answer_cases_can_still_be_deleted(cast, ana):
    """RESTRICT keeps a case from going alone while the ledger names it; with the workspace,
    both go together."""
    from django.db.models import RestrictedError

    from clientela.accounts.models import Workspace

    case = care_case(cast, ana)
    gift = item(cast, CompensationKind.FREE_DELIVERY)
    compensation_propose(customer=ana, actor=None, item=gift, cost=Decimal(5), case=case)
    with pytest.raises(RestrictedError):
        Case.objects.filter(pk=case.pk).delete()
    Workspace.objects.filter(pk=cast.shop.pk).delete()
    assert (Compensation.objects.count(), Case.objects.count()) == (0, 0)
