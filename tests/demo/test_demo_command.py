"""`clientela demo` sets up the demo login and shop once, and again from scratch on --reset."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command

from clientela.accounts.models import Membership, Role, User, Workspace
from clientela.customers.models import Customer
from clientela.timeline.models import Event


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--customers", "30", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_first_run_creates_the_login_and_loads_the_shop(data_dir):
    out = run_demo()

    password_file = data_dir / "demo_password"
    password = password_file.read_text()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(password) >= 16
    owner = User.objects.get(email="owner@example.com")
    assert owner.check_password(password) and password not in owner.password
    shop = Workspace.objects.get(slug="demo")
    assert list(Membership.objects.filter(workspace=shop).values_list("user", "role")) == [
        (owner.pk, Role.OWNER)
    ]
    assert Customer.objects.for_workspace(shop).count() == 30
    assert "Loaded 30 customers" in out
    assert out.strip().endswith(f"as owner@example.com with password {password}")


@pytest.mark.django_db
def test_a_second_run_loads_nothing_and_prints_the_same_login(data_dir):
    first = run_demo()
    customers = list(Customer.objects.values_list("pk", flat=True))

    second = run_demo()

    assert "already loaded" in second
    assert second.strip().splitlines()[-1] == first.strip().splitlines()[-1]
    assert list(Customer.objects.values_list("pk", flat=True)) == customers
    assert Event.objects.filter(kind="demo.loaded").count() == 1


@pytest.mark.django_db
def test_reset_deletes_the_demo_workspace_and_loads_it_again(data_dir, cast):
    run_demo()
    old = Workspace.objects.get(slug="demo")

    out = run_demo("--reset")

    new = Workspace.objects.get(slug="demo")
    assert new.pk != old.pk
    assert Customer.objects.for_workspace(new).count() == 30
    assert Customer.objects.for_workspace(old).count() == 0
    assert Event.objects.filter(kind="demo.loaded").count() == 1
    assert "Loaded 30 customers" in out
    # Nobody else's shop is touched.
    assert Workspace.objects.filter(pk__in=[cast.shop.pk, cast.other_shop.pk]).count() == 2
