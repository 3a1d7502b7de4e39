"""Broad queries: an exact total, and the best RANK_AT_MOST candidates ranked by column tier.

These run on whichever engine the test database uses (SQLite by default, PostgreSQL with
DATABASE_URL); both must behave the same.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from carebook.search.engines import RANK_AT_MOST
from carebook.search.selectors import search
from carebook.search.services import index_entries
from carebook.search.tests.factories import entry

pytestmark = pytest.mark.django_db

BROAD = RANK_AT_MOST + 40
FILLER = "The allocated worker keeps the record up to date and talks to the family."


def body_only(procedure_id: int, **overrides):
    """A procedure that mentions a child in its body only, many times over."""
    values = {
        "procedure_id": procedure_id,
        "title": f"Procedure {procedure_id}",
        "summary": "Who does what, and by when.",
        "body_text": f"{FILLER} The child is seen alone; the child's views are recorded. " * 3,
    }
    values.update(overrides)
    return entry(**values)


def ids(query: str, **kwargs) -> list[int]:
    kwargs.setdefault("organisation_id", 1)
    kwargs.setdefault("manual_ids", [10])
    return [hit.procedure_id for hit in search(query=query, **kwargs).hits]


def every_page(query: str, **kwargs) -> tuple[list[int], int]:
    """All hits, page by page, and the total the first page gave."""
    first = search(query=query, organisation_id=1, manual_ids=[10], per_page=100, **kwargs)
    found = [hit.procedure_id for hit in first.hits]
    for page in range(2, -(-first.total // 100) + 1):
        results = search(
            query=query, organisation_id=1, manual_ids=[10], per_page=100, page=page, **kwargs
        )
        assert results.total == first.total
        found += [hit.procedure_id for hit in results.hits]
    return found, first.total


@pytest.fixture
def broad():
    """BROAD procedures about a child in manual 10, chapter 1, and noise around them."""
    index_entries(
        entries=[
            *(body_only(number, chapter_id=1) for number in range(1, BROAD + 1)),
            # The same words in the organisation's other manual and in another chapter.
            *(body_only(1000 + number, manual_id=11, chapter_id=1) for number in range(30)),
            *(body_only(2000 + number, chapter_id=2) for number in range(30)),
            # Another organisation, whose manual ids overlap nothing here.
            *(body_only(3000 + number, organisation_id=2, manual_id=20) for number in range(30)),
        ]
    )


def test_the_total_of_a_broad_query_is_exact(broad):
    results = search(query="child", organisation_id=1, manual_ids=[10], chapter_id=1)
    assert results.total == BROAD
    assert len(results.hits) == 20


def test_pages_of_a_broad_query_give_every_hit_once(broad):
    found, total = every_page("child", chapter_id=1)
    assert total == BROAD
    assert len(found) == BROAD
    assert set(found) == set(range(1, BROAD + 1))


def test_a_broad_query_never_leaks_another_manual_or_chapter(broad):
    found, total = every_page("child")
    assert total == BROAD + 30
    assert set(found) == set(range(1, BROAD + 1)) | set(range(2000, 2030))

    found, total = every_page("child", chapter_id=2)
    assert total == 30
    assert set(found) == set(range(2000, 2030))

    both = search(query="child", organisation_id=1, manual_ids=[10, 11], chapter_id=1)
    assert both.total == BROAD + 30
    # Another organisation's manual id opens nothing through this organisation.
    assert search(query="child", organisation_id=1, manual_ids=[20]).total == 0


def test_words_that_look_like_scope_tokens_are_only_text(broad):
    index_entries(entries=[entry(procedure_id=4000, title="Form M10 and C1 guidance")])
    assert ids("m10") == [4000]
    assert ids("c1") == [4000]
    assert ids("scope") == []


def test_in_a_broad_query_a_title_match_outranks_body_only_matches(broad):
    # Indexed last, so it is not first by id; one mention against the others' six.
    index_entries(
        entries=[
            entry(procedure_id=5000, chapter_id=1, title="Seeing the child alone"),
            body_only(
                5001,
                chapter_id=1,
                summary="Talking to the child about the plan.",
            ),
        ]
    )
    assert ids("child", chapter_id=1)[:2] == [5000, 5001]


def test_in_a_broad_query_keywords_count_as_title(broad):
    index_entries(entries=[entry(procedure_id=5000, chapter_id=1, keywords=["child"])])
    assert ids("child", chapter_id=1)[0] == 5000


def test_a_narrow_query_is_ranked_on_the_full_text(broad):
    index_entries(
        entries=[
            entry(procedure_id=6000, title="Private fostering", body_text="Private fostering."),
            entry(
                procedure_id=6001,
                title="Notifications",
                body_text="Private fostering arrangements. " * 5,
            ),
        ]
    )
    assert ids("private fostering") == [6000, 6001]


def test_phrases_prefixes_and_filters_still_apply_above_the_cap(broad):
    assert search(query='"child is seen"', organisation_id=1, manual_ids=[10]).total == (BROAD + 30)
    assert search(query='"seen child"', organisation_id=1, manual_ids=[10]).total == 0
    assert search(query="chil*", organisation_id=1, manual_ids=[10]).total == BROAD + 30
    assert (
        search(query="child", organisation_id=1, manual_ids=[10], audience="fostering").total == 0
    )


def test_rebuild_migration_keeps_existing_entries_searchable(broad):
    """The schema of 0002 is put back, then 0003 is applied to the rows already indexed."""
    migration = importlib.import_module("carebook.search.migrations.0003_scoped_tables")
    with connection.cursor() as cursor:
        # The migration only runs SQL; a full schema editor cannot open inside a test's
        # transaction on SQLite.
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.backward(apps, editor)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT * FROM search_fts_1 LIMIT 1")
            cursor.fetchall()  # an unfinished read would keep the table from being dropped
            assert len(cursor.description) == 4  # title, keywords, summary, body
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM search_searchentry WHERE vector @@ 'm_10'")
            assert cursor.fetchone()[0] == 0
        migration.forward(apps, editor)

    index_entries(entries=[entry(procedure_id=5000, chapter_id=1, title="Child")])
    found, total = every_page("child", chapter_id=1)
    assert total == BROAD + 1
    assert found[0] == 5000
    assert set(found) == {*range(1, BROAD + 1), 5000}
    assert search(query="child", organisation_id=2, manual_ids=[20]).total == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_search_leaves_the_planner_settings_of_the_callers_transaction_alone(broad):
    search(query="child", organisation_id=1, manual_ids=[10])
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
