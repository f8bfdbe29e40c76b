"""The accounts API: invitations through the same services as the Team page, and the
caller's own password."""

from __future__ import annotations

import pytest

from clientela.accounts.models import Invitation, Membership
from clientela.accounts.services import token_create
from clientela.timeline.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(cast, client):  # type: ignore[no-untyped-def]
    membership = Membership.objects.get(workspace=cast.shop, user=cast.owner)
    token = token_create(membership=membership, name="t").plaintext

    def call(method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return getattr(client, method)(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


def test_an_owner_invites_lists_and_revokes_and_the_secret_never_comes_back(cast, owner):
    created = owner("post", "/account/invitations", {"email": "Nou@Example.com", "role": "manager"})
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"], body["invited_by"], body["expired"]) == (
        "nou@example.com",
        "manager",
        "alice@example.com",
        False,
    )
    assert "url" not in body and "digest" not in body and "token" not in body
    listed = owner("get", "/account/invitations").json()
    assert [row["email"] for row in listed] == ["nou@example.com"]

    again = owner("post", "/account/invitations", {"email": "bob@example.com", "role": "agent"})
    assert again.status_code == 422
    assert (
        again.json()["detail"][0]["msg"] == "bob@example.com is already a member of this workspace."
    )

    assert owner("post", f"/account/invitations/{body['id']}/revoke").status_code == 204
    assert owner("get", "/account/invitations").json() == []
    assert owner("post", f"/account/invitations/{body['id']}/revoke").status_code == 422
    assert Invitation.objects.get().revoked_at is not None
    assert list(
        Event.objects.filter(kind__startswith="invitation.")
        .values_list("kind", flat=True)
        .order_by("pk")
    ) == [
        "invitation.created",
        "invitation.revoked",
    ]


def test_the_password_changes_with_the_current_one_and_the_validators(cast, owner):
    wrong = owner("post", "/account/password", {"current_password": "no", "new_password": "x" * 20})
    weak = owner(
        "post", "/account/password", {"current_password": PASSWORD, "new_password": "12345678"}
    )
    assert (wrong.status_code, wrong.json()["detail"][0]["msg"]) == (
        422,
        "The current password is wrong.",
    )
    assert weak.status_code == 422
    assert "This password is entirely numeric." in weak.json()["detail"][0]["msg"]
    done = owner(
        "post",
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a fresh long phrase 77"},
    )
    assert done.status_code == 204
    cast.owner.refresh_from_db()
    assert cast.owner.check_password("a fresh long phrase 77")
