"""Error pages: styled, translated, and never a traceback."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [
    path("boom/", boom),
    path("", include("config.urls")),
]
handler404 = "clientela.web.errors.page_not_found"
handler500 = "clientela.web.errors.server_error"


@pytest.mark.django_db
@pytest.mark.urls("tests.web.test_errors")
def test_a_crashing_view_shows_the_clean_500_page(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in text
    assert "Traceback" not in text
    assert "hunter2" not in text
    assert "RuntimeError" not in text
    assert 'href="/static/web/clientela.css"' in text


@pytest.mark.django_db
def test_an_unknown_address_shows_the_404_page(settings):
    settings.DEBUG = False
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.content.decode()


@pytest.mark.django_db
def test_the_404_page_speaks_romanian(settings):
    settings.DEBUG = False
    client = Client()
    client.cookies["django_language"] = "ro"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Nu există nimic la această adresă." in response.content.decode()


@pytest.mark.django_db
def test_a_member_without_the_role_sees_the_403_page(cast, client_for):
    response = client_for(cast.viewer).get("/w/alice/imports/")
    assert response.status_code == 403
    assert "You do not have access to this page." in response.content.decode()


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_gets_the_400_page(settings):
    settings.DEBUG = False
    response = Client().get("/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "The request could not be understood." in response.content.decode()
