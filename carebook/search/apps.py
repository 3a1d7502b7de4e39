from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "carebook.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(_sync_phrase_lexemes, sender=self)


def _sync_phrase_lexemes(sender, using: str, **kwargs) -> None:
    """After every migrate (and test flush), the index's phrase lexemes follow the built-in list."""
    from carebook.search.services import sync_phrase_lexemes

    sync_phrase_lexemes(using=using)
