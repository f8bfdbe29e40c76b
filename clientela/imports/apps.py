from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "clientela.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clientela.clock.registry import register
        from clientela.imports.tasks import import_recover_task

        # Every minute: an import whose worker died is run again (or failed) within a
        # minute of its lease running out, not left "running" for ever.
        register("imports.recover", "* * * * *", import_recover_task)
