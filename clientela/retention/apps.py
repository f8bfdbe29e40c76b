from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "clientela.retention"
    label = "retention"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.retention.tasks import retention_refresh_all

        # Nightly, after the day's orders are in and before the morning's win-back sweep.
        register("retention.refresh", "30 2 * * *", retention_refresh_all)
