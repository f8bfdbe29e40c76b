"""Invitations: the only way in from the browser, mailed for real, single use, expiring,
and never telling an owner whether an address has an account elsewhere."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from clientela.accounts.models import Invitation, Membership, Role, User
from clientela.accounts.services import (
    InvitationUnusable,
    MembershipError,
    invitation_accept,
    invitation_create,
    invitation_for_link,
    invitation_resend,
    invitation_revoke,
)
from clientela.timeline.models import Event
from tests.accounts.conftest import body_of, link_in
from tests.conftest import PASSWORD
from tests.web.conftest import post

pytestmark = pytest.mark.django_db


def _invite(client: Client, email: str, capture, role: str = "agent"):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return post(client, "/w/alice/team/", {"email": email, "role": role}, follow=True)


def _path(url: str) -> str:
    return "/invite/" + url.rsplit("/invite/", 1)[1]


def _members(workspace) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(Membership.objects.filter(workspace=workspace).values_list("user__email", "role"))


def test_the_team_page_says_the_same_whether_the_address_has_an_account_elsewhere_or_not(
    cast, client_for, mailbox, django_capture_on_commit_callbacks
):
    """The finding: "No user has this e-mail address" told an owner which addresses have an
    account in the install, and an existing user could be added without being asked."""
    client = client_for(cast.owner)
    before = _members(cast.shop)

    elsewhere = _invite(client, "charlie@example.com", django_capture_on_commit_callbacks)
    nowhere = _invite(client, "nobody@example.com", django_capture_on_commit_callbacks)

    assert [r.redirect_chain for r in (elsewhere, nowhere)] == [[("/w/alice/team/", 302)]] * 2
    pages = [
        r.content.decode().replace(address, "ADDRESS")
        for r, address in ((elsewhere, "charlie@example.com"), (nowhere, "nobody@example.com"))
    ]
    # Each page lists both invitations by then; only the flash message names one of them.
    assert "No user has this e-mail address" not in pages[0] + pages[1]
    assert pages[0].count("Invitation sent to ADDRESS.") == 1
    assert pages[1].count("Invitation sent to ADDRESS.") == 1
    assert _members(cast.shop) == before  # nobody joined without accepting
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("charlie@example.com", "agent"),
        ("nobody@example.com", "agent"),
    ]
    assert sorted(m["To"] for m in mailbox.wait(2)) == ["charlie@example.com", "nobody@example.com"]


def test_the_mail_carries_a_single_use_link_whose_secret_is_stored_only_as_a_hash(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitation_create(
            workspace=cast.shop, email="Nou@Example.com", role=Role.MANAGER, actor=cast.owner
        )
    [message] = mailbox.wait(1)
    path = link_in(message, "/invite/")
    secret = path.split("/")[2]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nou@example.com",
        "manager",
        cast.owner,
    )
    assert invitation.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(Invitation.objects.values()))
    assert issued.url.endswith(path)
    # The shop writes Romanian by default: the invitation is in the workspace's language.
    assert str(message["Subject"]).strip() == "Alăturați-vă echipei Alice's Shop în Clientela"
    assert "Alice Owner vă invită în Alice's Shop în Clientela, ca Manager." in body_of(message)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    assert list(Event.objects.filter(kind="invitation.created").values_list("new", flat=True)) == [
        {"email": "nou@example.com", "role": "manager"}
    ]


def test_a_newcomer_sets_a_name_and_a_password_and_joins_with_the_invited_role(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            workspace=cast.shop, email="nou@example.com", role=Role.AGENT, actor=cast.owner
        )
    path = link_in(mailbox.wait(1)[0], "/invite/")
    client = Client(enforce_csrf_checks=True)
    assert "Your name" in client.get(path).content.decode()

    weak = post(client, path, {"name": "Nou", "new_password": "123", "new_password_again": "123"})
    assert "This password is too short" in weak.content.decode()
    assert not User.objects.filter(email="nou@example.com").exists()

    data = {"name": "Ana Nou", "new_password": PASSWORD, "new_password_again": PASSWORD}
    joined = post(client, path, data)

    assert (joined.status_code, joined["Location"]) == (302, "/w/alice/")
    user = User.objects.get(email="nou@example.com")
    assert (user.name, user.check_password(PASSWORD), user.language) == ("Ana Nou", True, "ro")
    assert _members(cast.shop)["nou@example.com"] == "agent"
    assert client.get("/w/alice/").status_code == 200  # signed in
    assert Event.objects.get(kind="invitation.accepted").new == {
        "user": "nou@example.com",
        "role": "agent",
    }
    again = Client().get(path)
    assert again.status_code == 410
    assert "This invitation was already accepted" in again.content.decode()


def test_someone_with_an_account_logs_in_with_the_invited_address_to_accept(
    cast, client_for, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            workspace=cast.shop, email="charlie@example.com", role=Role.VIEWER, actor=cast.owner
        )
    path = link_in(mailbox.wait(1)[0], "/invite/")

    anonymous = Client().get(path).content.decode()
    assert "log in to accept" in anonymous
    assert f'href="/login/?next={path}"' in anonymous
    wrong = post(client_for(cast.teammate), path)
    assert "This invitation is for another e-mail address." in wrong.content.decode()
    assert Invitation.objects.get().accepted_at is None

    accepted = post(client_for(cast.outsider), path)

    assert (accepted.status_code, accepted["Location"]) == (302, "/w/alice/")
    assert _members(cast.shop)["charlie@example.com"] == "viewer"
    assert Invitation.objects.get().accepted_by == cast.outsider


def test_expired_revoked_and_unknown_links_each_say_so(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        late = invitation_create(
            workspace=cast.shop, email="a@example.com", role=Role.AGENT, actor=cast.owner
        )
        gone = invitation_create(
            workspace=cast.shop, email="b@example.com", role=Role.AGENT, actor=cast.owner
        )
    invitation_revoke(invitation=gone.invitation, actor=cast.owner)
    client = Client()

    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        expired = client.get(_path(late.url))
    paths = {
        "expired": expired,
        "revoked": client.get(_path(gone.url)),
        "unknown": client.get("/invite/" + "x" * 43 + "/"),
    }
    assert {k: r.status_code for k, r in paths.items()} == {
        "expired": 410,
        "revoked": 410,
        "unknown": 404,
    }
    assert "This invitation has expired" in paths["expired"].content.decode()
    assert "This invitation was withdrawn" in paths["revoked"].content.decode()
    assert "This invitation link is not valid" in paths["unknown"].content.decode()
    assert not Membership.objects.filter(
        user__email__in=["a@example.com", "b@example.com"]
    ).exists()


def test_a_resend_mails_a_new_link_and_the_old_one_stops_working(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_create(
            workspace=cast.shop, email="a@example.com", role=Role.AGENT, actor=cast.owner
        )
        second = invitation_resend(invitation=first.invitation, actor=cast.owner)
    old, new = (link_in(m, "/invite/").split("/")[2] for m in mailbox.wait(2))
    assert old != new and second.url.endswith(f"/invite/{new}/")
    with pytest.raises(InvitationUnusable) as unusable:
        invitation_for_link(old)
    assert unusable.value.reason == "unknown"
    assert invitation_for_link(new) == first.invitation
    assert list(
        Event.objects.filter(kind__startswith="invitation.")
        .values_list("kind", flat=True)
        .order_by("pk")
    ) == [
        "invitation.created",
        "invitation.resent",
    ]


def test_a_member_or_a_pending_invitation_is_not_invited_twice(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            workspace=cast.shop, email="a@example.com", role=Role.AGENT, actor=cast.owner
        )
    for email, message in (
        ("bob@example.com", "bob@example.com is already a member of this workspace."),
        ("a@example.com", "a@example.com is already invited; resend the invitation from the list."),
        ("not an address", "Enter a valid e-mail address."),
    ):
        with pytest.raises(MembershipError) as refused:
            invitation_create(workspace=cast.shop, email=email, role=Role.AGENT, actor=cast.owner)
        assert refused.value.message == message
    assert Invitation.objects.count() == 1


def test_two_accepts_of_one_link_make_one_membership(
    cast, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitation_create(
            workspace=cast.shop, email="charlie@example.com", role=Role.AGENT, actor=cast.owner
        )
    secret = issued.url.rsplit("/invite/", 1)[1].strip("/")
    invitation_accept(secret=secret, user=cast.outsider)
    with pytest.raises(InvitationUnusable):
        invitation_accept(secret=secret, user=cast.outsider)
    assert Membership.objects.filter(user=cast.outsider).count() == 2  # their own shop + Alice's


def test_the_team_page_lists_resends_and_revokes_invitations(
    cast, client_for, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitation_create(
            workspace=cast.shop, email="a@example.com", role=Role.AGENT, actor=cast.owner
        )
    client = client_for(cast.owner)
    page = client.get("/w/alice/team/").content.decode()
    assert "a@example.com" in page and 'value="resend"' in page
    url = f"/w/alice/team/invitations/{issued.invitation.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, url, {"action": "resend"}).status_code == 302
    assert post(client, url, {"action": "revoke"}).status_code == 302
    assert len(mailbox.wait(2)) == 2
    assert Invitation.objects.get().revoked_at is not None
    assert "No invitation is waiting." in client.get("/w/alice/team/").content.decode()
    foreign = invitation_create(
        workspace=cast.other_shop, email="z@example.com", role=Role.AGENT, actor=cast.outsider
    )
    assert (
        post(
            client, f"/w/alice/team/invitations/{foreign.invitation.pk}/", {"action": "revoke"}
        ).status_code
        == 404
    )
    assert Invitation.objects.get(pk=foreign.invitation.pk).revoked_at is None
