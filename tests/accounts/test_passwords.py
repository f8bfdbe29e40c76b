"""Passwords: a change keeps this session and ends the others; a reset link is mailed for
real, in the user's language, works once and for an hour, and the request page tells
nothing about which addresses have an account."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from clientela.accounts.models import PasswordResetRequest, User
from clientela.timeline.models import Event
from tests.accounts.conftest import body_of, link_in
from tests.conftest import PASSWORD
from tests.web.conftest import post

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase 42"


def _signed_in(user: User, password: str = PASSWORD) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.email, password=password)
    return client


def test_a_change_needs_the_current_password_and_passes_djangos_validators(cast):
    client = _signed_in(cast.teammate)
    wrong = post(
        client,
        "/account/password/",
        {"current_password": "nope", "new_password": NEW, "new_password_again": NEW},
    )
    weak = post(
        client,
        "/account/password/",
        {
            "current_password": PASSWORD,
            "new_password": "password",
            "new_password_again": "password",
        },
    )
    assert "The current password is wrong." in wrong.content.decode()
    assert "This password is too common." in weak.content.decode()
    cast.teammate.refresh_from_db()
    assert cast.teammate.check_password(PASSWORD)
    assert not Event.objects.filter(kind="user.password_changed").exists()


def test_a_change_keeps_this_session_and_signs_the_other_devices_out(cast):
    here, there = _signed_in(cast.teammate), _signed_in(cast.teammate)
    data = {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW}

    changed = post(here, "/account/password/", data, follow=True)

    assert "Password changed. Your other devices have been signed out." in changed.content.decode()
    assert here.get("/w/alice/").status_code == 200
    assert there.get("/w/alice/")["Location"] == "/login/?next=/w/alice/"
    cast.teammate.refresh_from_db()
    assert cast.teammate.check_password(NEW)
    assert list(
        Event.objects.filter(kind="user.password_changed").values_list("workspace__slug", "actor")
    ) == [("alice", cast.teammate.pk)]


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what waits for the commit (the mail) as the requests commit."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def _ask(client: Client, email: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    with _capture(execute=True):
        return post(client, "/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def test_the_request_answers_the_same_for_any_address_and_mails_only_an_account(
    cast, mailbox, settings
):
    settings.SITE_URL = "http://shop.example"
    client = Client(enforce_csrf_checks=True)
    cast.teammate.language = "ro"
    cast.teammate.save(update_fields=["language"])

    known = _ask(client, "Bob@Example.com")
    unknown = _ask(client, "nobody@example.com")

    assert [(r.status_code, r["Location"]) for r in (known, unknown)] == [
        (302, "/password-reset/sent/")
    ] * 2
    [message] = mailbox.wait(1)
    assert len(mailbox.wait(2, timeout=0.5)) == 1
    assert (message["To"], str(message["Subject"]).strip()) == (
        "bob@example.com",
        "Parolă nouă pentru Clientela",
    )
    assert "Legătura funcționează o singură dată, timp de 60 de minute." in body_of(message)
    assert PasswordResetRequest.objects.count() == 2
    assert "nobody@example.com" not in str(list(PasswordResetRequest.objects.values()))


def test_the_link_sets_a_password_once_and_keeps_the_token_out_of_the_address_bar(cast, mailbox):
    client = Client(enforce_csrf_checks=True)
    _ask(client, "bob@example.com")
    link = link_in(mailbox.wait(1)[0], "/reset/")
    uid = link.split("/")[2]

    opened = client.get(link)
    assert opened["Location"] == f"/reset/{uid}/set-password/"
    form = client.get(opened["Location"])
    assert "Set a new password" in form.content.decode()
    done = post(client, opened["Location"], {"new_password": NEW, "new_password_again": NEW})

    assert done["Location"] == "/login/"
    cast.teammate.refresh_from_db()
    assert cast.teammate.check_password(NEW)
    assert Event.objects.get(kind="user.password_reset").actor == cast.teammate
    again = Client().get(link, follow=True)
    assert again.redirect_chain == [(f"/reset/{uid}/set-password/", 302)], again.content[-1500:]
    assert again.status_code == 404, again.content.decode()[-2500:]
    assert "This link no longer works" in again.content.decode()


def test_the_link_stops_working_after_an_hour(cast, mailbox):
    client = Client(enforce_csrf_checks=True)
    # Django's tokens count naive local seconds: both ends of the hour under the same clock.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _ask(client, "bob@example.com")
        link = link_in(mailbox.wait(1)[0], "/reset/")
        clock.shift(timedelta(minutes=59))
        assert Client().get(link, follow=True).status_code == 200
        clock.shift(timedelta(minutes=1, seconds=1))
        late = Client().get(link, follow=True)
    assert late.status_code == 404
    cast.teammate.refresh_from_db()
    assert cast.teammate.check_password(PASSWORD)


def test_requests_are_limited_per_address_and_per_ip_quietly(cast, mailbox):
    client = Client(enforce_csrf_checks=True)
    answers = [_ask(client, "bob@example.com", ip=f"10.0.0.{n}")["Location"] for n in range(5)]
    # Three per address per hour, from whatever IP; the answer never changes.
    assert answers == ["/password-reset/sent/"] * 5
    assert len(mailbox.wait(4, timeout=1.5)) == 3

    for n in range(10):
        _ask(client, f"nobody{n}@example.com", ip="10.9.9.9")
    _ask(client, "vera@example.com", ip="10.9.9.9")  # the 11th from one IP within the hour
    assert [m["To"] for m in mailbox.wait(4, timeout=1.5)] == ["bob@example.com"] * 3
