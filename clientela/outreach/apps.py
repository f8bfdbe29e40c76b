from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "clientela.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"
