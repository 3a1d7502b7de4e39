from django.apps import AppConfig


class ManualsConfig(AppConfig):
    name = "carebook.manuals"
    label = "manuals"
    verbose_name = "Manuals"

    def ready(self):
        from . import signals

        signals.connect()
