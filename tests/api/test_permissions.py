"""Who may call what: every operation of the spec against every kind of caller.

The matrix must name every operation the OpenAPI document publishes, so a new endpoint
cannot ship without its permissions being decided and tested here. A domain that adds a
router adds its rows in `tests/api/permissions_<domain>.py`: a `MATRIX` dict of the same
shape as `CORE` below, its calls building their own objects from `shop.cast` as needed.
The rows are held by tests/matrix.py's runner, as the pages' matrix is.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientela.accounts.models import ApiToken, Membership
from clientela.accounts.services import token_create, token_revoke
from clientela.commerce.models import Order, Product
from clientela.commerce.services import order_create, product_create
from clientela.customers.models import Consent, Customer, CustomerEmail
from clientela.customers.services import consent_grant, customer_create, customer_email_add
from clientela.imports.models import ImportJob
from clientela.timeline.models import Event
from tests.matrix import READ_ALL, READ_OBJECT, ROLES, allowed, assert_statuses

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Shop:
    cast: Any
    customer: Customer
    product: Product
    order: Order
    job: ImportJob


@pytest.fixture
def shop(cast: Any) -> Shop:
    customer = customer_create(workspace=cast.shop, actor=cast.owner, email="ana@example.com")
    product = product_create(workspace=cast.shop, actor=cast.owner, name="Tea")
    order = order_create(
        workspace=cast.shop,
        actor=cast.owner,
        customer=customer,
        placed_at=datetime(2026, 3, 1, tzinfo=UTC),
        total=Decimal("10.00"),
    )
    job = ImportJob.objects.create(workspace=cast.shop, kind="customers", file_name="a.csv")
    return Shop(cast, customer, product, order, job)


CSV = "email\nnew@example.com\n"


def _second_email(s: Shop) -> tuple[str, None]:
    """A secondary address of Alice's customer: one that may be removed or made primary."""
    row = customer_email_add(customer=s.customer, address="ana@work.example.com", actor=None)
    return f"/customers/{s.customer.pk}/emails/{row.pk}", None


def _consent(s: Shop) -> tuple[str, None]:
    consent = consent_grant(
        customer=s.customer, purpose="marketing", channel="email", source="t", ip=None, actor=None
    )
    return f"/customers/{s.customer.pk}/consents/{consent.pk}/withdraw", None


# (method, path) -> (how to call it for the shop's objects, expected status per caller).
# The outsider owns a shop of their own: lists show theirs, creates land in theirs, and
# anything of Alice's shop does not exist for them.
Call = Callable[[Shop], tuple[str, Any]]
Rows = dict[tuple[str, str], tuple[Call, dict[str, int]]]
CORE: Rows = {
    ("GET", "/customers"): (lambda s: ("/customers", None), READ_ALL),
    ("POST", "/customers"): (
        lambda s: ("/customers", {"first_name": "New"}),
        allowed(201, 403, 201, 201, 201),
    ),
    ("GET", "/customers/export.csv"): (
        lambda s: ("/customers/export.csv", None),
        allowed(200, 403, 403, 200, 200),
    ),
    ("GET", "/orders/export.csv"): (
        lambda s: ("/orders/export.csv", None),
        allowed(200, 403, 403, 200, 200),
    ),
    ("GET", "/customers/{customer_id}"): (
        lambda s: (f"/customers/{s.customer.pk}", None),
        READ_OBJECT,
    ),
    ("PATCH", "/customers/{customer_id}"): (
        lambda s: (f"/customers/{s.customer.pk}", {"city": "Cluj"}),
        allowed(404, 403, 200, 200, 200),
    ),
    ("DELETE", "/customers/{customer_id}"): (
        lambda s: (f"/customers/{s.customer.pk}", None),
        # Their orders go with them: a manager's decision, as deleting an order is.
        allowed(404, 403, 403, 204, 204),
    ),
    ("GET", "/customers/{customer_id}/timeline"): (
        lambda s: (f"/customers/{s.customer.pk}/timeline", None),
        READ_OBJECT,
    ),
    ("GET", "/customers/{customer_id}/emails"): (
        lambda s: (f"/customers/{s.customer.pk}/emails", None),
        READ_OBJECT,
    ),
    ("POST", "/customers/{customer_id}/emails"): (
        lambda s: (f"/customers/{s.customer.pk}/emails", {"address": "ana2@example.com"}),
        allowed(404, 403, 201, 201, 201),
    ),
    ("DELETE", "/customers/{customer_id}/emails/{email_id}"): (
        _second_email,
        allowed(404, 403, 204, 204, 204),
    ),
    ("POST", "/customers/{customer_id}/emails/{email_id}/primary"): (
        lambda s: (f"{_second_email(s)[0]}/primary", None),
        allowed(404, 403, 200, 200, 200),
    ),
    ("GET", "/customers/{customer_id}/consents"): (
        lambda s: (f"/customers/{s.customer.pk}/consents", None),
        READ_OBJECT,
    ),
    ("POST", "/customers/{customer_id}/consents"): (
        lambda s: (
            f"/customers/{s.customer.pk}/consents",
            {"purpose": "marketing", "channel": "email"},
        ),
        allowed(404, 403, 201, 201, 201),
    ),
    ("POST", "/customers/{customer_id}/consents/{consent_id}/withdraw"): (
        _consent,
        allowed(404, 403, 200, 200, 200),
    ),
    ("GET", "/products"): (lambda s: ("/products", None), READ_ALL),
    ("POST", "/products"): (
        lambda s: ("/products", {"name": "New"}),
        allowed(201, 403, 403, 201, 201),
    ),
    ("GET", "/products/{product_id}"): (
        lambda s: (f"/products/{s.product.pk}", None),
        READ_OBJECT,
    ),
    ("PATCH", "/products/{product_id}"): (
        lambda s: (f"/products/{s.product.pk}", {"price": "3.00"}),
        allowed(404, 403, 403, 200, 200),
    ),
    ("DELETE", "/products/{product_id}"): (
        lambda s: (f"/products/{s.product.pk}", None),
        allowed(404, 403, 403, 204, 204),
    ),
    ("GET", "/orders"): (lambda s: ("/orders", None), READ_ALL),
    ("POST", "/orders"): (
        lambda s: (
            "/orders",
            {"customer_id": s.customer.pk, "placed_at": "2026-03-02T10:00:00Z", "total": "5.00"},
        ),
        # Alice's customer is unknown in the outsider's shop: refused as input, not found.
        allowed(422, 403, 403, 201, 201),
    ),
    ("GET", "/orders/{order_id}"): (lambda s: (f"/orders/{s.order.pk}", None), READ_OBJECT),
    ("PATCH", "/orders/{order_id}"): (
        lambda s: (f"/orders/{s.order.pk}", {"status": "cancelled"}),
        allowed(404, 403, 403, 200, 200),
    ),
    ("DELETE", "/orders/{order_id}"): (
        lambda s: (f"/orders/{s.order.pk}", None),
        allowed(404, 403, 403, 204, 204),
    ),
    ("POST", "/imports"): (
        lambda s: ("/imports", "multipart"),
        allowed(202, 403, 403, 202, 202),
    ),
    ("GET", "/imports/{import_id}"): (lambda s: (f"/imports/{s.job.pk}", None), READ_OBJECT),
    # The shop's job is queued, not failed: the manager reaches the state check (409).
    ("POST", "/imports/{import_id}/retry"): (
        lambda s: (f"/imports/{s.job.pk}/retry", None),
        allowed(404, 403, 403, 409, 409),
    ),
}


def _rows_of_other_domains() -> Rows:
    rows: Rows = {}
    for module in sorted(Path(__file__).parent.glob("permissions_*.py")):
        rows |= importlib.import_module(f"{__package__}.{module.stem}").MATRIX
    return rows


MATRIX: Rows = CORE | _rows_of_other_domains()


def _call(token: str | None, method: str, path: str, body: Any) -> Any:
    client = Client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"/api/v1{path}"
    if body == "multipart":
        upload = SimpleUploadedFile("new.csv", CSV.encode(), "text/csv")
        return client.post(url, {"kind": "customers", "file": upload}, headers=headers)
    if body is None:
        return client.generic(method, url, headers=headers)
    return client.generic(
        method, url, data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_matrix_names_every_operation_of_the_spec(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    published = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in spec["paths"].items()
        for method in operations
    }
    missing = sorted(published - set(MATRIX))
    assert missing == [], "operations without a row in the permission matrix"
    assert sorted(set(MATRIX) - published) == [], "rows for operations the spec lacks"


@pytest.mark.parametrize("caller", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX), ids=" ".join)
def test_each_caller_gets_the_expected_status(
    operation: tuple[str, str], caller: str, shop: Shop, tokens: dict[str, str]
) -> None:
    build, expected = MATRIX[operation]
    path, body = build(shop)
    call = partial(_call, tokens.get(caller), operation[0], path, body)

    # A 403 exactly when a rule refuses the caller's role.
    response = assert_statuses({operation: call}, {operation: expected[caller]})[operation]

    assert (
        response["Content-Type"] == "application/json; charset=utf-8"
        or (response.status_code == 204 and response.content == b"")
        or (
            operation[1].endswith("/export.csv")
            and response.status_code == 200
            and response["Content-Type"] == "text/csv; charset=utf-8"
        )
        or (
            operation[1].endswith("/data.zip")
            and response.status_code == 200
            and response["Content-Type"] == "application/zip"
            and response.content.startswith(b"PK")
        )
        or (
            operation[1].endswith("/pdf")
            and response.status_code == 200
            and response["Content-Type"] == "application/pdf"
            and response.content.startswith(b"%PDF-")
        )
    )


OBJECT_OPERATIONS = [op for op in MATRIX if "{" in op[1]]


def _state() -> tuple[Any, ...]:
    return (
        list(Customer.objects.values()),
        list(CustomerEmail.objects.order_by("pk").values()),
        list(Consent.objects.order_by("pk").values()),
        list(Product.objects.values()),
        list(Order.objects.values()),
        list(ImportJob.objects.values()),
        Event.objects.count(),
    )


@pytest.mark.parametrize("operation", OBJECT_OPERATIONS, ids=" ".join)
def test_objects_of_another_shop_are_404_and_stay_untouched(
    operation: tuple[str, str], shop: Shop, tokens: dict[str, str]
) -> None:
    build, _ = MATRIX[operation]
    path, body = build(shop)
    before = _state()

    response = _call(tokens["outsider"], operation[0], path, body)

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert _state() == before


def test_the_owner_cannot_reach_the_outsiders_objects_either(cast, tokens) -> None:
    theirs = customer_create(workspace=cast.other_shop, actor=cast.outsider, first_name="X")

    response = _call(tokens["owner"], "PATCH", f"/customers/{theirs.pk}", {"city": "Cluj"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == ""


def test_a_revoked_token_is_refused_with_a_json_401(cast, tokens) -> None:
    token = ApiToken.objects.get(membership__user=cast.owner)
    token_revoke(token=token, actor=cast.owner)

    response = _call(tokens["owner"], "GET", "/customers", None)

    assert response.status_code == 401
    assert response.json() == {"detail": "Missing, invalid or revoked API token."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer clt_nothex000000_secretsecretsecretsecret",
        "Basic YWxpY2U6cGFzcw==",
        "Bearer clt_\x00",
    ],
)
def test_malformed_credentials_are_a_json_401(cast, tokens, header) -> None:
    response = Client().get("/api/v1/customers", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json() == {"detail": "Missing, invalid or revoked API token."}


def test_a_tampered_secret_is_refused(cast, tokens) -> None:
    prefix, secret = tokens["owner"].rsplit("_", 1)
    tampered = f"{prefix}_{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"

    assert _call(tampered, "GET", "/customers", None).status_code == 401


def test_a_token_dies_with_its_membership_and_its_user(cast) -> None:
    membership = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    agent = token_create(membership=membership, name="agent").plaintext
    owner_membership = Membership.objects.get(workspace=cast.shop, user=cast.manager)
    manager = token_create(membership=owner_membership, name="manager").plaintext

    membership.delete()
    cast.manager.is_active = False
    cast.manager.save(update_fields=["is_active"])

    assert _call(agent, "GET", "/customers", None).status_code == 401
    assert _call(manager, "GET", "/customers", None).status_code == 401


def test_the_spec_and_its_docs_are_served(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.1")
    assert spec.json()["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    assert docs.status_code == 200
    assert b"/api/v1/openapi.json" in docs.content
    # A self-hosted install serves Swagger UI itself; the browser fetches nothing elsewhere.
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn." not in docs.content


def test_every_operation_documents_its_error_responses(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"401", "403", "422"} | ({"404"} if "{" in path else set())
            assert expected <= codes, (method, path, codes)
