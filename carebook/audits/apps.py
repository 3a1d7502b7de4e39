from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "carebook.audits"
    label = "audits"
    verbose_name = "Self-audit"
