from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "clientela.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.privacy.tasks import SWEEP_CRON, privacy_retention_sweep

        register("privacy.retention_sweep", SWEEP_CRON, privacy_retention_sweep)
