from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "clientela.inbox"
    label = "inbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.inbox import receivers, signals
        from clientela.inbox.tasks import ESCALATE_CRON, inbox_clock_escalate

        # The waiting clock.
        register("inbox.clock_escalate", ESCALATE_CRON, inbox_clock_escalate)
        signals.client_wrote.connect(receivers.on_client_wrote, dispatch_uid="inbox.clock.wrote")
        signals.client_answered.connect(
            receivers.on_client_answered, dispatch_uid="inbox.clock.answered"
        )
        signals.waiting_for_client.connect(
            receivers.on_waiting_for_client, dispatch_uid="inbox.clock.waiting"
        )
        signals.subject_closed.connect(
            receivers.on_subject_closed, dispatch_uid="inbox.clock.closed"
        )
