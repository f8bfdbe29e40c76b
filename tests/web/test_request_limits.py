"""Bodies Django refuses before a view reads them: too large is the 413 page, unreadable the
400 page; never a 500 and never a traceback."""

from __future__ import annotations

import pytest
from django.test import Client

from clientela.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(cast, settings):  # type: ignore[no-untyped-def]
    """The viewer, signed in, holding a CSRF cookie; the token goes in the header."""
    settings.DEBUG = False

    def make(user):  # type: ignore[no-untyped-def]
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.force_login(user)
        client.get("/w/alice/customers/new/")
        return client, {"X-CSRFToken": client.cookies["csrftoken"].value}

    return make


def test_an_11_mb_form_field_gets_the_413_page(cast, signed_in):
    client, headers = signed_in(cast.owner)
    body = "first_name=Ana&notes=" + "a" * (11 * 1024 * 1024)
    response = client.post(
        "/w/alice/customers/new/",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    text = response.content.decode()
    assert response.status_code == 413
    assert "The request is larger than this server accepts." in text
    assert "Traceback" not in text and "DATA_UPLOAD_MAX_MEMORY_SIZE" not in text
    assert Customer.objects.count() == 0


def test_a_viewer_posting_a_multipart_body_without_a_boundary_gets_the_400_page(cast, signed_in):  # type: ignore[no-untyped-def]
    client, headers = signed_in(cast.viewer)
    for path in ["/language/", "/w/alice/customers/new/"]:
        response = client.post(
            path, data=b"--x\r\n", content_type="multipart/form-data", headers=headers
        )
        assert response.status_code == 400
        assert "The request could not be understood." in response.content.decode()
