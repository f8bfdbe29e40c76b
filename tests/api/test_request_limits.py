"""Bodies Django refuses before the API parses them: too large is a 413, unreadable a 400,
both in the API's JSON shape; never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from clientela.customers.models import Customer

pytestmark = pytest.mark.django_db

TWELVE_MB = 12 * 1024 * 1024
TOO_LARGE = {"detail": "The request is larger than this server accepts."}


def post(token: str, path: str, body: bytes | str, content_type: str) -> Any:
    return Client().post(
        f"/api/v1{path}",
        data=body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_12_mb_json_body_is_a_413(tokens):
    body = json.dumps({"first_name": "A" * TWELVE_MB, "email": "a@example.ro"})
    response = post(tokens["owner"], "/customers", body, "application/json")
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert Customer.objects.count() == 0


def test_an_11_mb_form_field_is_a_413(tokens):
    body = "kind=customers&note=" + "a" * (11 * 1024 * 1024)
    response = post(tokens["manager"], "/imports", body, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_viewer_posting_a_multipart_body_without_a_boundary_gets_a_400(tokens):
    response = post(tokens["viewer"], "/imports", b"--x\r\n", "multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body could not be read."}


def test_the_413_speaks_romanian(tokens):
    body = json.dumps({"first_name": "A" * TWELVE_MB})
    response = Client().post(
        "/api/v1/customers",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['owner']}", "Accept-Language": "ro"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Cererea este mai mare decât acceptă acest server."}
