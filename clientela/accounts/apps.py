from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientela.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
