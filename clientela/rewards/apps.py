from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "clientela.rewards"
    label = "rewards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.mail.signals import outbox_settled
        from clientela.rewards.receivers import on_outbox_settled

        outbox_settled.connect(on_outbox_settled, dispatch_uid="rewards.outbox_settled")
