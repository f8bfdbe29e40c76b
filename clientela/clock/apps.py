from django.apps import AppConfig


class ClockConfig(AppConfig):
    """The processes of a Clientela install: `serve`, `worker`, `clock`, `mailsink`."""

    name = "clientela.clock"
    label = "clock"
    default_auto_field = "django.db.models.BigAutoField"
