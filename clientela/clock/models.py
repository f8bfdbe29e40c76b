from __future__ import annotations

from django.db import models
from django.utils import timezone


class ClockSlot(models.Model):
    """One time slot of one periodic job that a clock has enqueued.

    The unique (job, slot_start) pair is what makes a second clock harmless: whoever inserts
    the row enqueues the task in the same transaction; the other one gets an IntegrityError.
    """

    job = models.CharField(max_length=100)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    # The task result id, when the backend gives it inside the transaction.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot_start"], name="clock_slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot_start.isoformat()}"
