from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "clientela.forwarding"
    label = "forwarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.forwarding.tasks import GRANT_CRON, forwarding_grant_by_rule

        register("forwarding.grant_by_rule", GRANT_CRON, forwarding_grant_by_rule)
