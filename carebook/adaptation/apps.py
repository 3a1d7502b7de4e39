from django.apps import AppConfig


class AdaptationConfig(AppConfig):
    name = "carebook.adaptation"
    label = "adaptation"
    verbose_name = "National base and local adaptation"
