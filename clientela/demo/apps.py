from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo shop (CDNOW purchases with invented names) and the local mail sink."""

    name = "clientela.demo"
    label = "demo"
