"""Work claimed under a lease: a row that one worker at a time carries forward.

A leased run is `queued` until a worker claims it. The claim is one conditional UPDATE that
sets it `running` with `lease_until` in the future, and checks the number of rows changed:
two workers that claim the same row at once cannot both see 1, on SQLite too (where
`select_for_update()` does nothing). While it works, the holder renews the lease (a
heartbeat, often together with its progress); a worker that dies stops renewing, the lease
runs out and the next claim takes the run over, which then resumes from what was saved.

The lease's expiry is also its holder's token, so no column names the worker: the process
that claimed the run keeps the `lease_until` it wrote on its instance (not a field: reading the
row does not hand it over), and renews or releases only while the row still carries that value.
A claim after expiry writes a later value (it is made at a time past the old one), so the
worker that lost the run matches no row and learns it from the `False` it gets back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

QUEUED = "queued"
RUNNING = "running"
# A claim takes a queued run, or a running one whose worker has let its lease go.
CLAIMABLE = (QUEUED, RUNNING)


class LeaseLost(Exception):
    """The run is no longer held by this process: its lease ran out and another worker took
    it, or it left `running`. The work of this process on it must stop, unsaved."""


class LeasedRun(models.Model):
    """Base of a run carried out by one worker at a time under a lease.

    Each subclass redeclares `status` with its own `TextChoices` (their end states differ),
    which must include `queued` and `running`; `started_at` and `finished_at` are the
    subclass's to set (a resumed run may or may not count as started again).
    """

    status = models.CharField(max_length=10, default=QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the run while lease_until is in the future; a dead worker's run is
    # claimed again once it has passed.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def lease_claim(
    run: LeasedRun, *, lease: timedelta, now: datetime | None = None, **values: Any
) -> bool:
    """Take `run` for this process if it is queued, or running under an expired or released
    lease; `values` are saved with the claim (e.g. a reset progress). True when claimed.
    The instance is read again either way, so it shows the run as it now is."""
    now = now or timezone.now()
    until = now + lease
    claimed = (
        type(run)
        ._default_manager.filter(pk=run.pk, status__in=CLAIMABLE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(status=RUNNING, lease_until=until, **values)
    )
    run.refresh_from_db()
    setattr(run, _HELD, until if claimed == 1 else None)
    return claimed == 1


def lease_renew(
    run: LeasedRun, *, lease: timedelta, now: datetime | None = None, **values: Any
) -> bool:
    """Extend the lease this process holds on `run` to `now + lease`, saving `values` (plain
    values, no expressions) in the same UPDATE. False, and nothing saved, when the lease is
    not ours (any more)."""
    now = now or timezone.now()
    return _update_held(run, lease_until=now + lease, **values)


def lease_release(run: LeasedRun, **values: Any) -> bool:
    """Give up the lease this process holds on `run`, saving `values` with it: a new status
    to end the run, or none to leave it running for the next claim to resume. False, and
    nothing saved, when the lease is not ours (any more)."""
    return _update_held(run, lease_until=None, **values)


# The instance attribute that holds the lease this process took (see the module docstring).
_HELD = "_lease_held_until"


def _update_held(run: LeasedRun, **values: Any) -> bool:
    held = getattr(run, _HELD, None)
    if held is None:
        return False  # not claimed by this process, or already released
    changed = (
        type(run)
        ._default_manager.filter(pk=run.pk, status=RUNNING, lease_until=held)
        .update(**values)
    )
    if changed != 1:
        return False
    for name, value in values.items():
        setattr(run, name, value)
    setattr(run, _HELD, run.lease_until)
    return True


@contextmanager
def lease_atomic(run: LeasedRun) -> Iterator[None]:
    """A transaction over work on `run` whose rollback also undoes, on the instance, what the
    block changed: the instance keeps matching its row, above all the lease it still holds
    (a renew rolled back leaves the row with the earlier `lease_until`)."""
    names = [field.attname for field in run._meta.concrete_fields] + [_HELD]
    before = {name: getattr(run, name, None) for name in names}
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name, value in before.items():
            setattr(run, name, value)
        raise
