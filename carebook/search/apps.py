from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "carebook.search"
    label = "search"
    verbose_name = "Search"
