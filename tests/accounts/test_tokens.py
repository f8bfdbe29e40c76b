import hashlib

import pytest

from clientela.accounts.models import ApiToken, Membership
from clientela.accounts.services import (
    TokenInvalid,
    token_authenticate,
    token_create,
    token_revoke,
)
from clientela.timeline.models import Event


@pytest.fixture
def owner_membership(cast) -> Membership:
    return Membership.objects.get(workspace=cast.shop, user=cast.owner)


@pytest.mark.django_db
def test_token_is_stored_only_as_a_hash_and_authenticates(cast, owner_membership):
    issued = token_create(membership=owner_membership, name="shop sync")
    row = ApiToken.objects.get()
    secret = issued.plaintext.split("_", 2)[2]
    assert secret not in (row.digest, row.prefix, row.name)
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token_authenticate(issued.plaintext) == owner_membership
    assert Event.objects.filter(kind="token.created", workspace=cast.shop).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.replace("clt_", "xyz_", 1),
        lambda t: t.split("_", 2)[0] + "_" + t.split("_", 2)[1],
        lambda t: "",
    ],
)
def test_a_changed_token_is_refused(owner_membership, mangle):
    issued = token_create(membership=owner_membership, name="x")
    with pytest.raises(TokenInvalid):
        token_authenticate(mangle(issued.plaintext))


@pytest.mark.django_db
def test_revoked_token_and_inactive_user_are_refused(cast, owner_membership):
    issued = token_create(membership=owner_membership, name="x")
    token_revoke(token=issued.token, actor=cast.owner)
    with pytest.raises(TokenInvalid):
        token_authenticate(issued.plaintext)

    second = token_create(membership=owner_membership, name="y")
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    with pytest.raises(TokenInvalid):
        token_authenticate(second.plaintext)


@pytest.mark.django_db
def test_two_tokens_are_never_equal(owner_membership):
    tokens = {token_create(membership=owner_membership, name=str(i)).plaintext for i in range(20)}
    assert len(tokens) == 20
    assert all(len(t.split("_", 2)[2]) >= 40 for t in tokens)
