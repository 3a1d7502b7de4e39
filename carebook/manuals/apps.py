from django.apps import AppConfig


class ManualsConfig(AppConfig):
    name = "carebook.manuals"
    label = "manuals"
    verbose_name = "Manuals"
