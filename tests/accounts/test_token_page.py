"""The "API tokens" page: a member lists, creates (secret shown once) and revokes their own."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from clientela.accounts.models import ApiToken, Membership
from clientela.accounts.services import token_create
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _membership(workspace, user) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(workspace=workspace, user=user)


def test_creating_a_token_shows_its_secret_once_and_stores_only_a_hash(cast, client_for):
    client = client_for(cast.viewer)

    response = post(client, "/w/alice/tokens/", {"name": "Accounting"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="token-secret">(clt_[^<]+)</code>', response.content.decode())
    token = ApiToken.objects.get()
    assert (token.membership, token.name) == (_membership(cast.shop, cast.viewer), "Accounting")
    assert secret is not None
    _, prefix, key = secret.group(1).split("_", 2)
    # Only the prefix and a hash are kept: the page cannot show the secret again.
    assert (token.prefix, token.digest) == (prefix, hashlib.sha256(key.encode()).hexdigest())
    again = client.get("/w/alice/tokens/").content.decode()
    assert secret.group(1) not in again
    assert "Accounting" in again
    api = Client().get("/api/v1/customers", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert api.status_code == 200
    assert list(Event.objects.filter(kind="token.created").values_list("new", flat=True)) == [
        {"name": "Accounting", "prefix": token.prefix}
    ]


def test_the_page_lists_only_the_members_own_working_tokens(cast, client_for):
    token_create(membership=_membership(cast.shop, cast.owner), name="Mine")
    token_create(membership=_membership(cast.shop, cast.teammate), name="Bob's")
    token_create(membership=_membership(cast.other_shop, cast.outsider), name="Charlie's")
    gone = token_create(membership=_membership(cast.shop, cast.owner), name="Old")
    ApiToken.objects.filter(pk=gone.token.pk).update(revoked_at="2026-01-01T00:00Z")

    page = client_for(cast.owner).get("/w/alice/tokens/").content.decode()

    names = re.findall(r"<td>([^<]+) <small>[0-9a-f]{12}…</small></td>", page)
    assert names == ["Mine"]
    assert "never" in page


def test_a_revoked_token_answers_401_in_the_api(cast, client_for):
    issued = token_create(membership=_membership(cast.shop, cast.owner), name="Script")
    headers = {"Authorization": f"Bearer {issued.plaintext}"}
    assert Client().get("/api/v1/customers", headers=headers).status_code == 200

    response = post(client_for(cast.owner), f"/w/alice/tokens/{issued.token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/w/alice/tokens/"
    assert Client().get("/api/v1/customers", headers=headers).status_code == 401
    assert Event.objects.filter(kind="token.revoked").count() == 1


@pytest.mark.parametrize("whose", ["teammate", "outsider"])
def test_another_members_or_workspaces_token_cannot_be_revoked(cast, client_for, whose):
    workspace = cast.other_shop if whose == "outsider" else cast.shop
    issued = token_create(membership=_membership(workspace, getattr(cast, whose)), name="Theirs")

    response = post(client_for(cast.owner), f"/w/alice/tokens/{issued.token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
    assert not Event.objects.filter(kind="token.revoked").exists()


def test_creating_and_revoking_need_the_csrf_token(cast, client_for):
    issued = token_create(membership=_membership(cast.shop, cast.owner), name="Script")
    client = client_for(cast.owner)
    assert client.post("/w/alice/tokens/", {"name": "x"}).status_code == 403
    assert client.post(f"/w/alice/tokens/{issued.token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
