"""Logging in and out, the lockout message, the workspace chooser and the language switch."""

import re

import pytest
from django.test import Client

from clientela.accounts.models import Membership, Role
from tests.conftest import PASSWORD
from tests.web.conftest import post

LOCKED = "Too many failed attempts; try again in 30 minutes."


def _login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return post(client, "/login/", {"username": email, "password": password})


@pytest.mark.django_db
def test_login_goes_to_the_only_workspace_in_the_users_language(cast):
    cast.viewer.language = "ro"
    cast.viewer.save()
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "VERA@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "ro"
    assert client.get("/")["Location"] == "/w/alice/"
    page = client.get("/w/alice/")
    assert "Clienți" in page.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(cast):
    response = _login(Client(enforce_csrf_checks=True), "alice@example.com", "nope")
    assert response.status_code == 200
    assert "The e-mail or the password is wrong." in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db
def test_lockout_reads_the_same_for_an_account_and_for_no_account(cast):
    pages = []
    for email in ("alice@example.com", "nobody@example.com"):
        client = Client(enforce_csrf_checks=True)
        for _ in range(5):
            _login(client, email, "wrong password")
        response = _login(client, email, PASSWORD)  # even the right password now
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        text = response.content.decode()
        assert LOCKED in text
        assert "The e-mail or the password is wrong." not in text
        pages.append(re.sub(r"[A-Za-z0-9]{64}|value=\"[^\"]*@example.com\"", "", text))
    assert pages[0] == pages[1]


@pytest.mark.django_db
def test_logout_is_a_post(cast, client_for):
    client = client_for(cast.owner)
    assert client.get("/logout/").status_code == 405
    response = post(client, "/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/w/alice/").status_code == 302


@pytest.mark.django_db
def test_a_member_of_several_workspaces_chooses_one(cast, client_for):
    Membership.objects.create(workspace=cast.other_shop, user=cast.viewer, role=Role.AGENT)
    response = client_for(cast.viewer).get("/")
    assert response.status_code == 200
    links = re.findall(r'href="(/w/[^"]+)"', response.content.decode())
    assert links == ["/w/alice/", "/w/charlie/"]


@pytest.mark.django_db
def test_a_user_without_workspace_is_told_so(cast, client_for):
    Membership.objects.filter(user=cast.viewer).delete()
    response = client_for(cast.viewer).get("/")
    assert response.status_code == 200
    assert "You are not a member of any workspace yet" in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_keeps_the_choice_on_the_account(cast, client_for):
    client = client_for(cast.owner)
    response = post(client, "/language/", {"language": "ro", "next": "/w/alice/customers/"})
    assert response.status_code == 302
    assert response["Location"] == "/w/alice/customers/"
    cast.owner.refresh_from_db()
    assert cast.owner.language == "ro"
    page = client.get("/w/alice/customers/").content.decode()
    assert "<h1>Clienți</h1>" in page
    assert '<html lang="ro">' in page


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(cast, client_for):
    client = client_for(cast.owner)
    post(client, "/language/", {"language": "xx", "next": "/"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == "en"
