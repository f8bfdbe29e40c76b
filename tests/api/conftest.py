"""API test helpers: a bearer token per member of the shared cast and a JSON client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from clientela.accounts.models import Membership
from clientela.accounts.services import token_create
from tests.matrix import ROLES, user_of


@dataclass(frozen=True)
class Api:
    """Calls /api/v1 as one caller; `None` sends no Authorization header."""

    client: Client
    token: str | None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self._headers()}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif query:
            kwargs["data"] = query
        return getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **query: Any) -> Any:
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Any) -> Any:
    """Uploaded import files land in a folder of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def tokens(cast: Any) -> dict[str, str]:
    """A fresh token per caller but the anonymous one (the outsider's is for their own shop),
    made from the owner down."""
    result = {}
    for caller in reversed(ROLES[1:]):
        workspace = cast.other_shop if caller == "outsider" else cast.shop
        membership = Membership.objects.get(workspace=workspace, user=user_of(cast, caller))
        result[caller] = token_create(membership=membership, name=f"{caller} tests").plaintext
    return result


@pytest.fixture
def api_as(tokens: dict[str, str]) -> Any:
    def make(caller: str) -> Api:
        return Api(Client(), tokens.get(caller))

    return make


@pytest.fixture
def owner_api(api_as: Any) -> Api:
    return api_as("owner")
