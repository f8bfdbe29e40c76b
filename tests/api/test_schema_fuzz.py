"""Schemathesis against our own OpenAPI document, once per caller.

Every operation gets valid and invalid inputs generated from the spec. The API must never
answer 5xx, every answer must match its documented status, content type and schema, and
input the spec calls invalid must be refused with a 4xx (so validation and spec agree).
Positive cases also aim at real objects of the shop, so the success paths run too.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from clientela.accounts.models import Role
from clientela.accounts.services import invitation_create
from clientela.commerce.services import order_create, product_create
from clientela.customers.models import ConsentChannel, ConsentPurpose
from clientela.customers.services import consent_grant, customer_create, customer_email_add
from clientela.imports.models import ImportJob
from clientela.inbox.models import ClockTarget
from clientela.inbox.services.receive import message_build, message_receive
from clientela.outreach.models import HandwrittenLetter
from clientela.outreach.services.campaigns import campaign_save
from clientela.outreach.services.lists import mailing_list_create, subscription_request
from clientela.outreach.services.templates import template_save
from clientela.retention.services.runs import retention_refresh
from clientela.rewards.models import CatalogueItem, CompensationKind
from clientela.rewards.services.catalogue import catalogue_seed
from tests.care.objects import care_case
from tests.forwarding.objects import alias_for, forwarding_domain
from tests.matrix import ROLES

from .test_permissions import MATRIX

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES_PER_OPERATION = 15
# Without a valid token every answer is the same 401: a few cases per operation suffice.
EXAMPLES_ANONYMOUS = 4
# An operation the permission matrix refuses the caller (a 403, or a 404 for the outsider)
# answers that refusal whatever the valid input, as for the anonymous caller; the cases it
# keeps check that the refusal and the validation before it keep the contract. The owner,
# who may use everything, and every caller on what they may use keep the full number.
EXAMPLES_REFUSED = 4


def _examples(caller: str, operation: tuple[str, str]) -> int:
    if caller == "anonymous":
        return EXAMPLES_ANONYMOUS
    row = MATRIX.get(operation)
    if row is not None and row[1][caller] in (403, 404):
        return EXAMPLES_REFUSED
    return EXAMPLES_PER_OPERATION


def _config() -> SchemathesisConfig:
    config = SchemathesisConfig()
    # Unknown query parameters are ignored, as on most of the web; the spec's parameter
    # lists are not closed sets, so sending extra ones is not invalid input.
    config.projects.default.generation.update(allow_extra_parameters=False)
    return config


@pytest.fixture(scope="module")
def loaded_spec(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The spec, loaded once for every caller: it is the same document each time, and
    rendering and parsing it costs seconds."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application(), config=_config()
        )


@pytest.fixture
def spec(db: None, loaded_spec: Any) -> Any:
    # Requests run inside the test's transaction, as Django's test client runs them: the
    # handler must not close the connection between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield loaded_spec
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


Seed = dict[str, Any]


def _seed(cast: Any) -> list[Seed]:
    """Real objects of the shop, so that generated paths (and ids in queries) can name them.

    One seed per customer, keyed by the parameter names of the spec: the customer with a
    second address, a consent, an order and its letter, next to a product, a template, a
    campaign and a list of the shop, the import they all share and the refresh run that
    scored them. The objects of one seed belong together, so
    /customers/{customer_id}/emails/{email_id} names the customer's own address. A seed
    also has an `address` no customer uses yet, for the bodies that add one, and a
    `placed_at` an order may carry (2000 to a year from today: a generated date rarely is).
    """
    shared = {
        "import_id": ImportJob.objects.create(
            workspace=cast.shop, kind="customers", file_name="a.csv"
        ).pk,
        "placed_at": "2026-01-15T10:00:00Z",
        "target_id": ClockTarget.objects.create(
            workspace=cast.shop, channel="email", minutes=30
        ).pk,
        "step": "apology",
        # A catalogue item for POST /rewards/compensations (with the seed's case_id).
        "item_id": _catalogue_item(cast),
    }
    forwarding_domain(cast.shop)
    seeds = []
    for number in range(3):
        customer = customer_create(
            workspace=cast.shop, actor=cast.owner, email=f"c{number}@example.com"
        )
        second = customer_email_add(
            customer=customer, address=f"c{number}@work.example.com", actor=cast.owner
        )
        consent = consent_grant(
            customer=customer,
            purpose=ConsentPurpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            source="fuzz",
            ip=None,
            actor=cast.owner,
        )
        product = product_create(
            workspace=cast.shop, actor=cast.owner, name=f"P{number}", price=Decimal("5")
        )
        order = order_create(
            workspace=cast.shop,
            actor=cast.owner,
            customer=customer,
            placed_at=datetime(2026, 1, number + 1, tzinfo=UTC),
            total=Decimal("10.00"),
            lines=[{"product": product, "quantity": 2, "unit_price": Decimal("5")}],
        )
        # Letters are only ever planned by the thank-you sweep, which has no service to
        # plan one on demand: the row the sweep writes, for this order.
        letter = HandwrittenLetter.objects.create(
            workspace=cast.shop, customer=customer, order=order, draft_text=f"Dragă C{number}"
        )
        mailing_list = mailing_list_create(workspace=cast.shop, actor=cast.owner, name=f"L{number}")
        subscription_request(
            mailing_list=mailing_list,
            email=customer.email,
            ip=None,
            source="fuzz",
        )
        template = template_save(
            workspace=cast.shop,
            actor=cast.owner,
            name=f"T{number}",
            purpose="campaign",
            language="ro",
            subject="Salut {{ customer.first_name }}",
            body_text="Pentru {{ customer.display_name }}",
        )
        campaign = campaign_save(
            workspace=cast.shop,
            actor=cast.owner,
            list_ids=[mailing_list.pk],
            title=f"C{number}",
            kind="brochure",
            language="ro",
            subject="Oferte",
            body_text="Oferte pentru {{ customer.first_name }}",
            promotions=[{"name": "Ceai", "description": "", "discount": "10%"}],
        )
        seeds.append(
            {
                **shared,
                "customer_id": customer.pk,
                "email_id": second.pk,
                "consent_id": consent.pk,
                "product_id": product.pk,
                "order_id": order.pk,
                "letter_id": letter.pk,
                "template_id": template.pk,
                "campaign_id": campaign.pk,
                "list_id": mailing_list.pk,
                "conversation_id": _conversation_of(cast, customer.email),
                "case_id": care_case(cast, customer, subject=f"Reclamația {number}").pk,
                # The alias of another customer: the seed's own may still be granted one.
                "alias_id": alias_for(
                    customer_create(
                        workspace=cast.shop, actor=cast.owner, email=f"a{number}@example.com"
                    ),
                    local_part=f"a{number}",
                ).pk,
                "invitation_id": invitation_create(
                    workspace=cast.shop,
                    email=f"i{number}@example.com",
                    role=Role.AGENT,
                    actor=cast.owner,
                ).invitation.pk,
                "address": f"c{number}@new.example.com",
            }
        )
    # A refresh over those customers: the run, and a current score for each customer.
    run = retention_refresh(workspace=cast.shop, actor=cast.owner)
    return [{**seed, "run_id": run.pk} for seed in seeds]


def _catalogue_item(cast: Any) -> int:
    catalogue_seed(workspace=cast.shop)
    return CatalogueItem.objects.get(workspace=cast.shop, kind=CompensationKind.SMALL_GIFT).pk


def _conversation_of(cast: Any, address: str) -> int:
    raw = message_build(sender=address, name="", subject="Colet", body="Unde e coletul?")
    message = message_receive(workspace=cast.shop, raw=raw, channel="api")
    assert message is not None
    return message.conversation_id


def _body_fields(operation: Any) -> set[str]:
    """The top-level fields of the operation's JSON body, as the spec names them."""
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = operation.schema.raw_schema["components"]["schemas"][name]
    return set(schema.get("properties", {}))


def _strategy(operation: Any, seeds: list[Seed]) -> Any:
    """Positive and negative cases from the spec, and positive ones whose path, query and
    body name the seeded objects (a body's other fields stay generated)."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    path = [parameter.name for parameter in operation.path_parameters]
    query = [p.name for p in operation.query if p.name in seeds[0]]
    if not path and not query and not _body_fields(operation) & seeds[0].keys():
        return st.one_of(strategies)
    for seed in seeds:
        strategy = operation.as_strategy(
            GenerationMode.POSITIVE,
            path_parameters={name: seed[name] for name in path},
            query={name: seed[name] for name in query} or None,
        )
        strategies.append(strategy.map(lambda case, seed=seed: _with_seeded_body(case, seed)))
    return st.one_of(strategies)


def _with_seeded_body(case: Any, seed: Seed) -> Any:
    """A generated JSON body's top-level fields named like the seed's (`customer_id` of a
    new order, `address` of a new e-mail) set to the seed's values."""
    if isinstance(case.body, dict):
        for name in case.body.keys() & seed.keys():
            if type(case.body[name]) is type(seed[name]):
                case.body[name] = seed[name]
    return case


def _key(operation: Any) -> tuple[str, str]:
    """An operation as the permission matrix names it."""
    return operation.method.upper(), operation.path.removeprefix("/api/v1")


# Operations a caller may use (a 2xx in the permission matrix) whose success path the
# generated cases cannot reach, each with the reason. None at present: every operation a
# caller may use must answer that caller 2xx at least once.
UNREACHED: dict[tuple[str, str], str] = {
    (
        "POST",
        "/account/password",
    ): "needs the caller's current password; tests/api/test_accounts.py",
    # A random body is almost never a valid list of domain names, nor a week of business hours
    # whose intervals do not overlap; the permission matrices send valid ones (200).
    ("PUT", "/forwarding/settings"): "valid domains; tests/api/permissions_forwarding.py",
    ("PUT", "/inbox/clock/settings"): "a valid week; tests/api/permissions_inbox_clock.py",
    # A generated cost is almost never within 0-100,000 with two decimals (the service's
    # bounds); the matrix and tests/rewards/test_case_link.py send valid ones (201).
    ("POST", "/rewards/compensations"): "a cost the service accepts; permissions_rewards.py",
}


@pytest.mark.django_db
def test_every_path_parameter_of_the_spec_has_a_seed(client: Any, cast: Any) -> None:
    """A new endpoint naming an object the seeds lack would only ever be fuzzed into 404."""
    seeds = _seed(cast)
    spec = client.get("/api/v1/openapi.json").json()
    missing = {
        f"{method.upper()} {path}: {parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and not all(parameter["name"] in seed for seed in seeds)
    }
    assert sorted(missing) == []


@pytest.mark.django_db
def test_the_seeds_name_objects_a_viewer_can_read(api_as: Any, cast: Any) -> None:
    """Each seed is a set of objects that exist together: a read of each answers 200."""
    reads = [
        "/customers/{customer_id}",
        "/products/{product_id}",
        "/orders/{order_id}",
        "/imports/{import_id}",
        "/outreach/campaigns/{campaign_id}",
        "/outreach/lists/{list_id}/subscriptions",
        "/outreach/templates/{template_id}/preview?customer_id={customer_id}",
        "/retention/runs/{run_id}",
        "/retention/scores/{customer_id}",
        "/inbox/conversations/{conversation_id}",
    ]
    viewer = api_as("viewer")
    agent = api_as("agent")
    for seed in _seed(cast):
        for read in reads:
            assert viewer.get(read.format(**seed)).status_code == 200, read
        # Complaint cases are for agents and above.
        assert agent.get("/care/cases/{case_id}".format(**seed)).status_code == 200
        emails = viewer.get(f"/customers/{seed['customer_id']}/emails").json()
        consents = viewer.get(f"/customers/{seed['customer_id']}/consents").json()
        letters = viewer.get("/outreach/letters").json()["items"]
        assert seed["email_id"] in [row["id"] for row in emails]
        assert seed["consent_id"] in [row["id"] for row in consents]
        assert seed["letter_id"] in [row["id"] for row in letters]


@pytest.mark.slow  # about 20 s of CPU per caller, less for the callers refused most
@pytest.mark.django_db
@pytest.mark.parametrize("caller", ROLES)
def test_every_operation_keeps_its_documented_contract(
    caller: str, spec: Any, cast: Any, tokens: dict[str, str]
) -> None:
    seeds = _seed(cast)
    headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
    failures = []
    statuses: dict[tuple[str, str], Counter[int]] = {}
    for result in spec.get_all_operations():
        operation = result.ok()
        statuses[_key(operation)] = Counter()

        @given(case=_strategy(operation, seeds))
        @settings(
            max_examples=_examples(caller, _key(operation)),
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: keep failures quick
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            # Every case starts from the seeded shop: a DELETE or a sent campaign of one
            # case does not turn the next cases of the operation into 404s or 409s.
            with transaction.atomic():
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)
            statuses[_key(case.operation)][response.status_code] += 1

        try:
            run()
        # Collected so one run reports every broken operation; schemathesis raises its check
        # failures as a FailureGroup, a BaseExceptionGroup that `except Exception` misses.
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], "\n\n".join(failures)
    if not headers:
        assert {status for seen in statuses.values() for status in seen} == {401}
        return
    # The success path of every operation the caller may use ran at least once.
    allowed = {key for key, (_, expected) in MATRIX.items() if expected[caller] < 300}
    unreached = {
        key: dict(statuses[key])
        for key in sorted(allowed - UNREACHED.keys())
        if not any(200 <= status < 300 for status in statuses[key])
    }
    assert unreached == {}
