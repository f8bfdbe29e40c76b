"""The owner's "Team" page and the membership services: add, change a role, remove."""

from __future__ import annotations

import pytest

from clientela.accounts.models import Membership, Role
from clientela.accounts.services import MembershipError, membership_remove, membership_role_change
from clientela.timeline.models import Event
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _roles(workspace) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = Membership.objects.filter(workspace=workspace).values_list("user__email", "role")
    return dict(rows)


SHOP_ROLES = {
    "alice@example.com": "owner",
    "bob@example.com": "agent",
    "vera@example.com": "viewer",
    "mihai@example.com": "manager",
}


def test_the_page_lists_every_member_with_their_role(cast, client_for):
    page = client_for(cast.owner).get("/w/alice/team/").content.decode()
    for email in SHOP_ROLES:
        assert f"<small>{email}</small>" in page
    assert "charlie@example.com" not in page


def test_an_owner_invites_an_address_and_nobody_joins_before_accepting(
    cast, client_for, django_capture_on_commit_callbacks
):
    # Adding an existing user straight away is gone: people join by accepting an invitation
    # (tests/accounts/test_invitations.py), and the answer is the same for any address.
    with django_capture_on_commit_callbacks(execute=False):
        response = post(
            client_for(cast.owner),
            "/w/alice/team/",
            {"email": "Charlie@Example.com", "role": "agent"},
        )
    assert response.status_code == 302
    assert _roles(cast.shop) == SHOP_ROLES
    assert list(
        Event.objects.filter(kind="invitation.created", workspace=cast.shop).values_list(
            "new", flat=True
        )
    ) == [{"email": "charlie@example.com", "role": "agent"}]
    assert not Event.objects.filter(kind="membership.added").exists()


def test_inviting_a_member_again_is_refused(cast, client_for):
    response = post(
        client_for(cast.owner), "/w/alice/team/", {"email": "bob@example.com", "role": "agent"}
    )
    assert response.status_code == 200
    assert "bob@example.com is already a member of this workspace." in response.content.decode()
    assert _roles(cast.shop) == SHOP_ROLES
    assert not Event.objects.filter(kind__startswith="invitation.").exists()


def test_an_owner_changes_a_role_and_removes_a_member(cast, client_for):
    client = client_for(cast.owner)
    bob = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    vera = Membership.objects.get(workspace=cast.shop, user=cast.viewer)

    assert post(client, f"/w/alice/team/{bob.pk}/", {"role": "manager"}).status_code == 302
    assert post(client, f"/w/alice/team/{vera.pk}/", {"action": "remove"}).status_code == 302

    expected = {**SHOP_ROLES, "bob@example.com": "manager"}
    del expected["vera@example.com"]
    assert _roles(cast.shop) == expected
    changed = Event.objects.get(kind="membership.role_changed")
    assert (changed.old, changed.new) == (
        {"user": "bob@example.com", "role": "agent"},
        {"user": "bob@example.com", "role": "manager"},
    )
    assert Event.objects.get(kind="membership.removed").old == {
        "user": "vera@example.com",
        "role": "viewer",
    }


def test_the_last_owner_can_be_neither_demoted_nor_removed(cast, client_for):
    client = client_for(cast.owner)
    alice = Membership.objects.get(workspace=cast.shop, user=cast.owner)

    demoted = post(client, f"/w/alice/team/{alice.pk}/", {"role": "viewer"}, follow=True)
    removed = post(client, f"/w/alice/team/{alice.pk}/", {"action": "remove"}, follow=True)

    for response in (demoted, removed):
        assert "A workspace needs at least one owner." in response.content.decode()
    assert _roles(cast.shop) == SHOP_ROLES
    assert not Event.objects.filter(kind__startswith="membership.r").exists()


def test_with_a_second_owner_the_first_may_step_down(cast):
    mihai = Membership.objects.get(workspace=cast.shop, user=cast.manager)
    alice = Membership.objects.get(workspace=cast.shop, user=cast.owner)
    membership_role_change(membership=mihai, role=Role.OWNER, actor=cast.owner)

    membership_remove(membership=alice, actor=cast.owner)

    with pytest.raises(MembershipError):
        membership_role_change(membership=mihai, role=Role.MANAGER, actor=cast.manager)
    assert _roles(cast.shop) == {
        "bob@example.com": "agent",
        "vera@example.com": "viewer",
        "mihai@example.com": "owner",
    }


def test_a_membership_of_another_workspace_is_not_found(cast, client_for):
    charlie = Membership.objects.get(workspace=cast.other_shop, user=cast.outsider)
    client = client_for(cast.owner)
    assert post(client, f"/w/alice/team/{charlie.pk}/", {"action": "remove"}).status_code == 404
    assert post(client, f"/w/alice/team/{charlie.pk}/", {"role": "viewer"}).status_code == 404
    assert Membership.objects.get(pk=charlie.pk).role == "owner"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AGENT, Role.VIEWER])
def test_only_owners_manage_the_team(cast, client_for, role):
    client = client_for(cast.member(role))
    bob = Membership.objects.get(workspace=cast.shop, user=cast.teammate)
    assert client.get("/w/alice/team/").status_code == 403
    assert post(client, f"/w/alice/team/{bob.pk}/", {"role": "owner"}).status_code == 403
    assert _roles(cast.shop) == SHOP_ROLES
