from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "carebook.changes"
    label = "changes"
    verbose_name = "Changes"
