"""Every dynamic response: a Content-Security-Policy without inline scripts, `no-store`
(pages and API answers hold personal data), and Secure cookies when served over HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from clientela.accounts.models import Membership
from clientela.accounts.services import token_create
from clientela.outreach.services.templates import template_save
from tests.conftest import PASSWORD

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
TEMPLATES = Path(__file__).resolve().parents[2] / "clientela" / "web"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/w/alice/", "/w/alice/customers/", "/w/alice/outreach/templates/"]
)
def test_pages_carry_the_strict_policy_and_are_not_stored(cast, client_for, path):
    response = client_for(cast.owner).get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_login_page_carries_the_strict_policy(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_api_answers_are_not_stored(cast):
    membership = Membership.objects.get(workspace=cast.shop, user=cast.viewer)
    token = token_create(membership=membership, name="t").plaintext
    response = Client().get("/api/v1/customers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_only_the_letter_preview_page_lets_the_letters_inline_styles_apply(cast, client_for):  # type: ignore[no-untyped-def]
    template = template_save(
        workspace=cast.shop,
        actor=cast.owner,
        name="Vara",
        purpose="campaign",
        language="ro",
        subject="Salut",
        body_text="Salut",
        body_html="<p>Salut</p>",
    )
    response = client_for(cast.owner).get(f"/w/alice/outreach/templates/{template.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )


@pytest.mark.django_db
def test_every_cookie_is_secure_over_https(cast):
    client = Client(enforce_csrf_checks=True)
    login = client.get("/login/", secure=True)
    assert login.cookies["csrftoken"]["secure"] is True
    csrf = login.cookies["csrftoken"].value
    signed_in = client.post(
        "/login/",
        {"username": cast.owner.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        secure=True,
        headers={"Referer": "https://testserver/login/"},
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True
    language = client.post(
        "/language/",
        {"language": "ro", "next": "/", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        secure=True,
        headers={"Referer": "https://testserver/"},
    )
    assert language.status_code == 302
    assert language.cookies["django_language"]["secure"] is True
    assert language.cookies["django_language"]["httponly"] is True


@pytest.mark.django_db
def test_the_language_cookie_over_plain_http_is_not_marked_secure(client):
    response = client.post("/language/", {"language": "ro", "next": "/"})
    assert response.cookies["django_language"]["secure"] == ""


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
]


def test_no_template_has_inline_script_handler_or_style():
    found = []
    for template in sorted(TEMPLATES.glob("**/templates/**/*.html")):
        text = template.read_text()
        for pattern, what in INLINE:
            # A JSON data block is not a script the browser runs.
            text_checked = re.sub(
                r'<script type="application/json".*?</script>', "", text, flags=re.S
            )
            for match in pattern.finditer(text_checked):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}: {match.group(0)!r}")
    assert found == []
