import pytest
from django.db import connection

from carebook.search.query import STOP_WORDS
from carebook.search.synonyms import builtin_groups, synonym_map


def test_built_in_groups_are_read_from_the_yaml_file_once():
    assert builtin_groups() is builtin_groups()
    assert ("CSE", "child sexual exploitation") in builtin_groups()


def test_every_member_maps_to_its_whole_group():
    synonyms = synonym_map()
    assert set(synonyms[("lac",)]) >= {"CLA", "LAC", "looked after child"}
    assert "LAC" in synonyms[("looked", "after", "child")]
    assert "section 47" in synonyms[("s47",)]


def test_glossary_groups_do_not_change_the_built_in_map():
    synonym_map([["CSE", "something else"]])
    assert "something else" not in synonym_map()[("cse",)]


@pytest.mark.django_db
def test_stop_words_are_postgresql_s():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's English dictionary is needed to compare stop words.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE ts_lexize('english_stem', word) <> '{}'",
            [sorted(STOP_WORDS)],
        )
        assert cursor.fetchall() == []
