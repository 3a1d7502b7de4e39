from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "carebook.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(_sync_phrase_lexemes, sender=self)


def _sync_phrase_lexemes(sender, using: str, apps=None, **kwargs) -> None:
    """After every migrate (and test flush), the index's phrase lexemes follow the built-in list.

    Nothing to do while the database is migrated to before the table that records the list
    (a rollback to an earlier release, or a migrate of another app on a new database).
    `flush` sends no `apps`: the installed models are then the state.
    """
    from carebook.search.services import sync_phrase_lexemes

    try:
        (apps or global_apps).get_model("search", "PhraseLexemes")
    except LookupError:
        return
    sync_phrase_lexemes(using=using)
