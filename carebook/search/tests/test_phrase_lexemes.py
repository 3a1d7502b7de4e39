"""Built-in multi-word terms: found through a lexeme on PostgreSQL, the same pages as the phrase.

The search results must not depend on how the engine finds a phrase, so the behaviour tests run
on both engines; the lexeme tests need PostgreSQL.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carebook.search import services, synonyms
from carebook.search.apps import _sync_phrase_lexemes
from carebook.search.engines import postgres
from carebook.search.models import PhraseLexemes
from carebook.search.query import parse, to_tsquery
from carebook.search.selectors import search
from carebook.search.services import index_entries, sync_phrase_lexemes
from carebook.search.tests.factories import entry

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="phrase lexemes are PostgreSQL's"
)


def found(query: str) -> set[int]:
    results = search(query=query, organisation_id=1, manual_ids=[10], per_page=100)
    return {hit.procedure_id for hit in results.hits}


@pytest.fixture
def social_workers():
    index_entries(
        entries=[
            entry(procedure_id=1, body_text="The social worker visits within five days."),
            entry(procedure_id=2, title="Social workers and their managers"),
            entry(procedure_id=3, body_text="The SW records the visit."),
            entry(procedure_id=4, body_text="Social care staff tell the worker on duty."),
            entry(procedure_id=5, body_text="A worker who is social with families."),
            entry(procedure_id=6, summary="Children looked after by the council."),
            entry(procedure_id=7, body_text="She looked after the child after school."),
            entry(procedure_id=8, body_text="The social worker.", manual_id=11),
            entry(procedure_id=9, body_text="The social worker.", organisation_id=2, manual_id=20),
        ]
    )


def test_a_built_in_term_finds_the_phrase_and_its_abbreviation_not_the_words_apart(
    social_workers,
):
    assert found("social worker") == {1, 2, 3}
    assert found('"social worker"') == {1, 2, 3}  # a quoted term finds its abbreviation too
    assert found("SW") == {1, 2, 3}
    assert found("children looked after") == {6}


def test_a_built_in_term_keeps_to_the_manuals_searched(social_workers):
    everywhere = search(query="social worker", organisation_id=1, manual_ids=[10, 11])
    assert {hit.procedure_id for hit in everywhere.hits} == {1, 2, 3, 8}


def test_a_built_in_term_with_other_words_needs_them_all(social_workers):
    assert found("social worker visits") == {1, 3}  # "The SW records the visit"
    assert found("managers of social workers") == {2}


@on_postgresql
def test_rows_carry_the_lexeme_of_each_built_in_term_they_contain(social_workers):
    lexeme = postgres.phrase_lexemes()["'social' <-> 'worker'"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procedure_id FROM search_searchentry WHERE vector @@ CAST(%s AS tsquery)",
            [lexeme],
        )
        assert {row[0] for row in cursor.fetchall()} == {1, 2, 8, 9}


@on_postgresql
def test_the_search_asks_the_index_for_the_lexeme_instead_of_the_phrase():
    lexemes = postgres.phrase_lexemes()
    plain = parse("social worker visits", synonyms=None)
    assert postgres.indexed_match(plain) == ("to_tsquery('english', %s)", [to_tsquery(plain)])

    expanded = parse("social worker visits", synonyms=synonyms.synonym_map())
    sql, parameters = postgres.indexed_match(expanded)
    assert sql == (
        "(((CAST(%s AS tsquery) || to_tsquery('english', %s)) && (to_tsquery('english', %s)) "
        "&& CAST(%s AS tsquery)) || (to_tsquery('english', %s) && (!! CAST(%s AS tsquery))))"
    )
    marker = postgres.list_marker()
    assert parameters == [
        lexemes["'social' <-> 'worker'"],
        "'sw'",
        "'visits'",
        marker,
        to_tsquery(expanded),
        marker,
    ]

    quoted = parse('"child protection plan" assess*', synonyms=synonyms.synonym_map())
    sql, parameters = postgres.indexed_match(quoted)
    assert sql.startswith(
        "(((CAST(%s AS tsquery) || to_tsquery('english', %s) || CAST(%s AS tsquery)) "
    )
    assert parameters[:4] == [
        lexemes["'child' <-> 'protection' <-> 'plan'"],
        "'cpp'",
        lexemes["'cp' <-> 'plan'"],
        "'assess':*",
    ]


@on_postgresql
def test_rows_written_with_another_list_are_matched_on_word_positions(social_workers):
    """As a release with another list (before or after this one) would have written them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_searchentry SET vector = ts_delete(vector, ARRAY(SELECT lexeme "
            "FROM unnest(vector) WHERE lexeme LIKE 'p\\_%%')) || 'p_list_another'::tsvector "
            "WHERE procedure_id IN (1, 3, 6)"
        )
    assert found("social worker") == {1, 2, 3}
    assert found('"social worker" managers') == {2}
    assert found("children looked after") == {6}
    assert found("looked after child") == {6}

    # The next migrate that finds the list changed gives every row the current lexemes.
    PhraseLexemes.objects.update(digest="an earlier list")
    assert sync_phrase_lexemes() == 9
    marker = postgres.list_marker()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_searchentry WHERE vector @@ CAST(%s AS tsquery)",
            [marker],
        )
        assert cursor.fetchone()[0] == 9
    assert found("social worker") == {1, 2, 3}


@on_postgresql
def test_every_built_in_lexeme_marks_exactly_the_rows_its_phrase_matches():
    """For each term: a row with the phrase (in another form), and rows with its words apart."""
    terms = synonyms.builtin_phrases()
    entries = []
    for number, tokens in enumerate(terms):
        phrase = " ".join(tokens)
        entries += [
            entry(procedure_id=3 * number + 1, body_text=f"Before. {phrase.upper()} was seen."),
            entry(procedure_id=3 * number + 2, title=" and ".join(reversed(tokens))),
            entry(
                procedure_id=3 * number + 3,
                summary=f"The {tokens[0]} notes.",
                body_text=" then ".join(tokens),
            ),
        ]
    index_entries(entries=entries)
    mismatched = []
    with connection.cursor() as cursor:
        for text, lexeme in postgres.phrase_lexemes().items():
            cursor.execute(
                "SELECT array_agg(id ORDER BY id) FILTER (WHERE vector @@ to_tsquery('english', "
                "%s)), array_agg(id ORDER BY id) FILTER (WHERE vector @@ CAST(%s AS tsquery)) "
                "FROM search_searchentry",
                [text, lexeme],
            )
            by_phrase, by_lexeme = cursor.fetchone()
            if not by_phrase or by_phrase != by_lexeme:
                mismatched.append((text, by_phrase, by_lexeme))
    assert len(postgres.phrase_lexemes()) == len(terms)
    assert mismatched == []


CACHED = (
    synonyms.builtin_groups,
    synonyms._builtin_map,
    synonyms.builtin_phrases,
    postgres.phrase_lexemes,
    postgres.phrases_digest,
    postgres.list_marker,
)


def use_phrase_list(monkeypatch, tmp_path, groups: str) -> None:
    """Point the built-in list at another file, as a release that changes it would."""
    path = tmp_path / "abbreviations.yaml"
    path.write_text(groups, encoding="utf-8")
    monkeypatch.setattr(synonyms, "ABBREVIATIONS_FILE", path)
    for cached in CACHED:
        cached.cache_clear()


@pytest.fixture
def restore_lists():
    yield
    for cached in CACHED:
        cached.cache_clear()


def test_a_term_of_stop_words_only_gets_no_lexeme(monkeypatch, tmp_path, restore_lists):
    use_phrase_list(monkeypatch, tmp_path, "groups:\n  - [OT, of the]\n  - [DT, duty team]\n")
    assert list(postgres.phrase_lexemes()) == ["'duty' <-> 'team'"]


@on_postgresql
def test_after_the_list_changes_the_next_migrate_brings_every_row_up_to_date(
    social_workers, monkeypatch, tmp_path, restore_lists
):
    assert sync_phrase_lexemes() is None  # the rows already follow the list
    use_phrase_list(
        monkeypatch, tmp_path, "groups:\n  - [SW, social worker]\n  - [DT, duty team]\n"
    )
    index_entries(entries=[entry(procedure_id=20, body_text="Ring the duty team first.")])
    assert found("duty team") == {20}

    # A list that drops "social worker": its lexeme goes from every row, and a search for it
    # checks word positions again, with the same results.
    use_phrase_list(monkeypatch, tmp_path, "groups:\n  - [DT, duty team]\n")
    assert sync_phrase_lexemes() == 9 + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, count(*) FROM search_searchentry, unnest(vector) AS held "
            "WHERE lexeme LIKE 'p\\_%%' GROUP BY lexeme"
        )
        held = dict(cursor.fetchall())
    assert held == {postgres.phrase_lexemes()["'duty' <-> 'team'"]: 1, postgres.list_marker(): 10}
    assert found("duty team") == {20}
    assert found('"social worker"') == {1, 2}  # no longer expanded, and still a phrase
    assert PhraseLexemes.objects.get().digest == postgres.phrases_digest()
    assert sync_phrase_lexemes() is None


def vectors() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT procedure_id, vector::text FROM search_searchentry")
        return dict(cursor.fetchall())


@on_postgresql
def test_a_sync_in_batches_changes_only_the_phrase_lexemes(social_workers, monkeypatch):
    """Every other lexeme stays, including words that start like the lexemes (p…, p_…)."""
    index_entries(
        entries=[
            entry(procedure_id=30, body_text="The parent agreed the protection plan: p_1 then."),
        ]
    )
    before = vectors()
    monkeypatch.setattr(services, "SYNC_BATCH_SIZE", 4)
    PhraseLexemes.objects.update(digest="an earlier list")
    assert sync_phrase_lexemes() == 10
    assert vectors() == before
    assert found("parent placement") == set()
    assert found("parent protection plan") == {30}
    assert PhraseLexemes.objects.get().digest == postgres.phrases_digest()


def test_nothing_is_synced_while_the_database_is_before_the_phrase_table(social_workers):
    executor = MigrationExecutor(connection)
    earlier = executor.loader.project_state(("search", "0003_scoped_tables")).apps
    PhraseLexemes.objects.update(digest="an earlier list")
    _sync_phrase_lexemes(sender=None, using=connection.alias, apps=earlier)
    assert PhraseLexemes.objects.filter(digest="an earlier list").exists() == (
        connection.vendor == "postgresql"
    )


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite case")
def test_sync_does_nothing_on_sqlite(social_workers):
    assert sync_phrase_lexemes() is None
    assert not PhraseLexemes.objects.exists()
