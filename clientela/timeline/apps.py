from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "clientela.timeline"
    label = "timeline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.accounts.signals import account_changed
        from clientela.timeline.services import event_record

        def record(sender: object, *, signal: object, **change: Any) -> None:
            # Accounts sends the event's fields as they are: one row, in its transaction.
            event_record(**change)

        # weak=False: nothing else holds this function; dispatch_uid: connected once.
        account_changed.connect(record, weak=False, dispatch_uid="timeline.account_changed")
