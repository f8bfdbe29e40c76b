"""Work claimed under a lease (`clientela.clock.leases`), on a run of the base itself.

`Chore` is a LeasedRun with nothing of its own, in a table that lives only for this module:
what holds for it holds for every run built on the base (retention runs, validations).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from clientela.clock.leases import (
    LeasedRun,
    lease_atomic,
    lease_claim,
    lease_release,
    lease_renew,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


@pytest.fixture(scope="module")
def chore_model(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with isolate_apps("clientela.clock"):

        class Chore(LeasedRun):
            steps = models.IntegerField(default=0)

            class Meta:
                app_label = "clock"
                db_table = "test_clock_chore"

    # Outside the test's transaction: SQLite alters its schema only with foreign keys off.
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(Chore)
    yield Chore
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(Chore)


@pytest.fixture
def chore(chore_model, db):  # type: ignore[no-untyped-def]
    return chore_model.objects.create()


def _row(chore):  # type: ignore[no-untyped-def]
    return type(chore).objects.values("status", "lease_until", "steps").get(pk=chore.pk)


def test_a_claimed_run_is_not_claimed_twice(chore):
    other = type(chore).objects.get(pk=chore.pk)  # a second worker's copy

    assert lease_claim(chore, lease=LEASE, now=T0) is True
    assert lease_claim(other, lease=LEASE, now=T0 + dt.timedelta(minutes=4)) is False

    expected = {"status": "running", "lease_until": T0 + LEASE, "steps": 0}
    assert _row(chore) == expected
    # The loser's copy shows the run as it is, held by the first worker.
    assert (other.status, other.lease_until) == ("running", T0 + LEASE)


def test_a_claim_saves_its_values_with_it(chore):
    type(chore).objects.filter(pk=chore.pk).update(steps=3)

    assert lease_claim(chore, lease=LEASE, now=T0, steps=0) is True
    assert _row(chore) == {"status": "running", "lease_until": T0 + LEASE, "steps": 0}


def test_an_expired_lease_is_claimed_again_and_the_old_holder_loses_the_run(chore):
    dead = chore
    assert lease_claim(dead, lease=LEASE, now=T0) is True
    taker = type(chore).objects.get(pk=chore.pk)

    later = T0 + LEASE + dt.timedelta(seconds=1)
    assert lease_claim(taker, lease=LEASE, now=later) is True
    # The first worker wakes up: it can neither extend the run nor end it.
    assert lease_renew(dead, lease=LEASE, now=later, steps=7) is False
    assert lease_release(dead, status="succeeded") is False

    assert _row(chore) == {"status": "running", "lease_until": later + LEASE, "steps": 0}
    assert lease_renew(taker, lease=LEASE, now=later, steps=7) is True
    assert _row(chore) == {"status": "running", "lease_until": later + LEASE, "steps": 7}


def test_only_the_holder_renews_or_releases(chore):
    holder = chore
    assert lease_claim(holder, lease=LEASE, now=T0) is True
    # Another worker reads the row, and tries to claim it: neither gives it the lease.
    reader = type(chore).objects.get(pk=chore.pk)
    loser = type(chore).objects.get(pk=chore.pk)
    assert lease_claim(loser, lease=LEASE, now=T0) is False

    for other in (reader, loser):
        assert lease_renew(other, lease=LEASE, now=T0 + LEASE, steps=9) is False
        assert lease_release(other) is False
    assert _row(chore) == {"status": "running", "lease_until": T0 + LEASE, "steps": 0}

    renewed = T0 + dt.timedelta(minutes=3)
    assert lease_renew(holder, lease=LEASE, now=renewed, steps=1) is True
    assert (holder.lease_until, holder.steps) == (renewed + LEASE, 1)
    assert _row(chore) == {"status": "running", "lease_until": renewed + LEASE, "steps": 1}


def test_a_released_run_is_claimed_at_once_and_an_ended_one_never(chore):
    assert lease_claim(chore, lease=LEASE, now=T0) is True
    assert lease_release(chore, steps=2) is True
    assert _row(chore) == {"status": "running", "lease_until": None, "steps": 2}
    assert lease_renew(chore, lease=LEASE, now=T0) is False  # released: no longer ours

    resumed = type(chore).objects.get(pk=chore.pk)
    assert lease_claim(resumed, lease=LEASE, now=T0) is True
    assert lease_release(resumed, status="succeeded") is True
    assert _row(chore) == {"status": "succeeded", "lease_until": None, "steps": 2}

    assert lease_claim(type(chore).objects.get(pk=chore.pk), lease=LEASE, now=T0) is False
    assert _row(chore)["status"] == "succeeded"


def test_a_rolled_back_renewal_leaves_the_instance_holding_the_lease_it_had(chore):
    assert lease_claim(chore, lease=LEASE, now=T0) is True
    later = T0 + dt.timedelta(minutes=2)

    with pytest.raises(RuntimeError), lease_atomic(chore):
        assert lease_renew(chore, lease=LEASE, now=later, steps=5) is True
        raise RuntimeError("the chunk failed")

    assert (chore.lease_until, chore.steps) == (T0 + LEASE, 0)
    assert _row(chore) == {"status": "running", "lease_until": T0 + LEASE, "steps": 0}
    # It still holds the lease, so it can still end the run.
    assert lease_release(chore, status="failed") is True
    assert _row(chore) == {"status": "failed", "lease_until": None, "steps": 0}


def test_every_leased_run_has_the_statuses_a_claim_moves_between():
    from django.apps import apps

    runs = sorted(m._meta.label for m in apps.get_models() if issubclass(m, LeasedRun))
    assert {"retention.RetentionRun", "retention.ValidationRun"} <= set(runs)
    for label in runs:
        field = apps.get_model(label)._meta.get_field("status")
        assert {"queued", "running"} <= {value for value, _ in field.choices}, label
