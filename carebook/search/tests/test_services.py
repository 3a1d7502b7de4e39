import threading

import pytest
from django.db import connection

from carebook.search.models import FtsPartition, SearchEntry
from carebook.search.selectors import search
from carebook.search.services import index_entries, index_entry, remove_entry, remove_manual
from carebook.search.tests.factories import entry


def titles(query: str, **kwargs) -> list[str]:
    kwargs.setdefault("organisation_id", 1)
    kwargs.setdefault("manual_ids", [10])
    return [hit.title for hit in search(query=query, **kwargs).hits]


@pytest.mark.django_db
def test_index_entry_replaces_the_text_of_the_same_procedure():
    index_entry(entry(procedure_id=1, title="Private fostering", body_text="notification"))
    index_entry(entry(procedure_id=1, title="Private fostering", body_text="assessment visits"))

    assert SearchEntry.objects.count() == 1
    assert titles("notification") == []
    assert titles("visits") == ["Private fostering"]


@pytest.mark.django_db
def test_remove_entry_and_remove_manual():
    index_entries(
        entries=[
            entry(procedure_id=1, manual_id=10, title="Escalation policy"),
            entry(procedure_id=2, manual_id=10, title="Escalation flowchart"),
            entry(procedure_id=3, manual_id=11, title="Escalation contacts"),
        ]
    )
    remove_entry(manual_id=10, procedure_id=1)
    assert sorted(titles("escalation", manual_ids=[10, 11])) == [
        "Escalation contacts",
        "Escalation flowchart",
    ]

    remove_manual(manual_id=10)
    assert titles("escalation", manual_ids=[10, 11]) == ["Escalation contacts"]
    assert SearchEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_manual_that_moves_organisation_leaves_the_old_one():
    index_entry(entry(procedure_id=1, organisation_id=1, title="Supervision policy"))
    index_entry(entry(procedure_id=1, organisation_id=2, title="Supervision policy"))

    assert titles("supervision", organisation_id=1) == []
    assert titles("supervision", organisation_id=2) == ["Supervision policy"]


@pytest.mark.django_db
def test_control_characters_in_indexed_text_are_dropped():
    index_entry(entry(procedure_id=1, title="Case\x00 recording", body_text="notes\ue000 kept"))

    hit = search(query="recording", organisation_id=1, manual_ids=[10]).hits[0]
    assert hit.title == "Case  recording"
    assert "\ue000" not in hit.snippet_html


@pytest.mark.django_db(transaction=True)
def test_indexing_the_same_procedure_from_two_threads_keeps_one_row():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "Threads share SQLite's in-memory test database through its shared cache, which "
            "fails at once on a table lock instead of waiting; the file database that Carebook "
            "runs on serialises writers with IMMEDIATE transactions and a timeout."
        )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            barrier.wait()
            index_entry(entry(procedure_id=7, title="Allegations", body_text=text))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(text,)) for text in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert SearchEntry.objects.filter(manual_id=10, procedure_id=7).count() == 1
    assert len(titles("allegations")) == 1


@pytest.mark.django_db(transaction=True)
def test_search_works_again_after_a_flush_left_an_fts_table_behind():
    index_entry(entry(procedure_id=1, title="Stale text"))
    # What a transactional test's flush does: empty Django's tables, not the FTS5 ones.
    SearchEntry.objects.all().delete()
    FtsPartition.objects.all().delete()

    assert titles("stale") == []
    index_entry(entry(procedure_id=2, title="Fresh text"))
    assert titles("text") == ["Fresh text"]
