"""Login lockout: the 6th bad password within 30 minutes fails whatever the IP."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from clientela.accounts.models import LoginAttempt
from tests.conftest import PASSWORD


def _login(email: str, password: str, ip: str):
    request = RequestFactory().post("/login/", REMOTE_ADDR=ip)
    return authenticate(request, username=email, password=password)


@pytest.mark.django_db
def test_five_failures_then_even_the_right_password_fails_from_another_ip(cast):
    for attempt in range(5):
        assert _login("alice@example.com", "wrong", f"10.0.0.{attempt}") is None
    assert _login("alice@example.com", PASSWORD, "192.0.2.99") is None
    assert LoginAttempt.objects.filter(email="alice@example.com", succeeded=False).count() == 6
    assert not LoginAttempt.objects.filter(succeeded=True).exists()


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(cast):
    for _ in range(4):
        _login("alice@example.com", "wrong", "10.0.0.1")
    assert _login("alice@example.com", PASSWORD, "10.0.0.1") == cast.owner


@pytest.mark.django_db
def test_lockout_ends_thirty_minutes_after_the_failures_however_often_one_retries(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login("alice@example.com", "wrong", "10.0.0.1")
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        # Tries while locked fail, but do not push the end of the lock further away.
        for _ in range(3):
            assert _login("alice@example.com", PASSWORD, "10.0.0.1") is None
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert _login("alice@example.com", PASSWORD, "10.0.0.1") == cast.owner
    assert LoginAttempt.objects.filter(while_locked=True).count() == 3


@pytest.mark.django_db
def test_lockout_is_per_account_and_case_insensitive(cast):
    for _ in range(5):
        _login("ALICE@example.com", "wrong", "10.0.0.1")
    assert _login("alice@example.com", PASSWORD, "10.0.0.1") is None
    assert _login("bob@example.com", PASSWORD, "10.0.0.1") == cast.teammate
