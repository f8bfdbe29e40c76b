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
from django.db import close_old_connections
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

from clientela.commerce.services import order_create, product_create
from clientela.customers.models import ImportJob
from clientela.customers.services import customer_create

from .conftest import CALLERS

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


def _config() -> SchemathesisConfig:
    config = SchemathesisConfig()
    # Unknown query parameters are ignored, as on most of the web; the spec's parameter
    # lists are not closed sets, so sending extra ones is not invalid input.
    config.projects.default.generation.update(allow_extra_parameters=False)
    return config


@pytest.fixture
def spec(db: None) -> Any:
    # Requests run inside the test's transaction, as Django's test client runs them: the
    # handler must not close the connection between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application(), config=_config()
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _seed(cast: Any) -> dict[str, list[int]]:
    """A few real objects of the shop, so that generated paths can name them."""
    ids: dict[str, list[int]] = {"customer_id": [], "product_id": [], "order_id": []}
    ids["import_id"] = [
        ImportJob.objects.create(workspace=cast.shop, kind="customers", file_name="a.csv").pk
    ]
    for number in range(3):
        customer = customer_create(
            workspace=cast.shop, actor=cast.owner, email=f"c{number}@example.com"
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
        ids["customer_id"].append(customer.pk)
        ids["product_id"].append(product.pk)
        ids["order_id"].append(order.pk)
    return ids


def _strategy(operation: Any, ids: dict[str, list[int]]) -> Any:
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = [parameter.name for parameter in operation.path_parameters]
    seeded = next((name for name in names if name in ids), None)
    if seeded is not None:
        strategies += [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters={seeded: value})
            for value in ids[seeded]
        ]
    return st.one_of(strategies)


@pytest.mark.slow  # about 15 s of CPU per caller
@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_keeps_its_documented_contract(
    caller: str, spec: Any, cast: Any, tokens: dict[str, str]
) -> None:
    ids = _seed(cast)
    headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
    failures = []
    statuses: Counter[int] = Counter()
    for result in spec.get_all_operations():
        operation = result.ok()

        @given(case=_strategy(operation, ids))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION if headers else EXAMPLES_ANONYMOUS,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: keep failures quick
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            run()
        except Exception as exc:  # collected so one run reports every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == []
    # The run reached the endpoints: without a token only 401s; with one, successes too.
    if headers:
        assert sum(n for status, n in statuses.items() if status < 300) > 0, statuses
    else:
        assert set(statuses) == {401}
