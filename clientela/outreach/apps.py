from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "clientela.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.mail.signals import unsubscribe_requested
        from clientela.outreach.receivers import on_unsubscribe_requested
        from clientela.outreach.tasks import SWEEP_CRON, outreach_content_sweep

        register("outreach.content_sweep", SWEEP_CRON, outreach_content_sweep)
        unsubscribe_requested.connect(
            on_unsubscribe_requested, dispatch_uid="outreach.unsubscribe_requested"
        )
