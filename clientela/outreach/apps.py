from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "clientela.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.outreach.content.jobs import register_jobs

        register_jobs()
