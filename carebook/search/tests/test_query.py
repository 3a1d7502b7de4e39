import re

from hypothesis import given
from hypothesis import strategies as st

from carebook.search.query import (
    MAX_TERMS,
    MESSAGE_EMPTY,
    MESSAGE_NOTHING_TO_SEARCH,
    MESSAGE_OPERATORS,
    MESSAGE_TOO_LONG,
    MESSAGE_UNMATCHED_QUOTES,
    parse,
    to_fts5,
    to_tsquery,
)
from carebook.search.synonyms import synonym_map

# Our FTS5 output: clauses of double-quoted phrases (optionally prefix) ORed, clauses ANDed.
FTS5_PHRASE = r'"[^\W_]+(?: [^\W_]+)*"\*?'
FTS5_CLAUSE = rf"\({FTS5_PHRASE}(?: OR {FTS5_PHRASE})*\)"
FTS5_QUERY = re.compile(rf"(?:{FTS5_CLAUSE}(?: AND {FTS5_CLAUSE})*)?")
TS_PHRASE = r"'[^\W_]+'(?::\*)?(?: <-> '[^\W_]+'(?::\*)?)*"
TS_CLAUSE = rf"\({TS_PHRASE}(?: \| {TS_PHRASE})*\)"
TS_QUERY = re.compile(rf"(?:{TS_CLAUSE}(?: & {TS_CLAUSE})*)?")


def fts5(text: str, **kwargs) -> str:
    return to_fts5(parse(text, **kwargs))


def test_words_are_anded_and_lower_cased():
    assert fts5("Missing Children") == '("missing") AND ("children")'
    assert to_tsquery(parse("Missing Children")) == "('missing') & ('children')"


def test_quoted_phrase_and_prefix():
    parsed = parse('"strategy discussion" assess*')
    assert to_fts5(parsed) == '("strategy discussion") AND ("assess"*)'
    assert to_tsquery(parsed) == "('strategy' <-> 'discussion') & ('assess':*)"


def test_tsquery_restricted_to_a_weight():
    parsed = parse('"strategy discussion" assess*')
    assert to_tsquery(parsed, weights="A") == ("('strategy':A <-> 'discussion':A) & ('assess':*A)")


def test_short_prefix_is_a_plain_word():
    assert fts5("ca* planning") == '("ca") AND ("planning")'


def test_hyphenated_word_is_a_phrase():
    assert fts5("well-being") == '("well being")'


def test_stop_words_are_left_out_of_loose_words_but_kept_in_phrases():
    assert fts5("the plan for a child") == '("plan") AND ("child")'
    assert fts5('"plan for the child"') == '("plan for the child")'


def test_abbreviation_expands_to_its_phrase():
    parsed = parse("CSE risk", synonyms=synonym_map())
    assert to_fts5(parsed) == '("cse" OR "child sexual exploitation") AND ("risk")'
    assert parsed.expanded_terms == ("child sexual exploitation",)


def test_phrase_typed_without_quotes_expands_to_abbreviations():
    parsed = parse("looked after child", synonyms=synonym_map())
    assert parsed.clauses[0].alternatives[0].tokens == ("looked", "after", "child")
    assert {"LAC", "CLA"} <= set(parsed.expanded_terms)


def test_quoted_phrase_expands_too():
    parsed = parse('"section 47" enquiries', synonyms=synonym_map())
    first, second = to_fts5(parsed).split(" AND ")
    assert first.startswith('("section 47" OR ') and '"s47"' in first
    assert second == '("enquiries")'


def test_glossary_groups_join_the_built_in_ones():
    synonyms = synonym_map([["SGO", "special guardianship order"], ["CSE", "sexual abuse"]])
    assert parse("SGO", synonyms=synonyms).expanded_terms == ("special guardianship order",)
    assert set(parse("CSE", synonyms=synonyms).expanded_terms) == {
        "child sexual exploitation",
        "sexual abuse",
    }


def test_empty_and_wordless_searches_say_what_to_do():
    assert parse("").message == MESSAGE_EMPTY
    assert parse("  \t ").message == MESSAGE_EMPTY
    assert parse("?!* 😀").message == MESSAGE_NOTHING_TO_SEARCH
    assert parse("the and of").message == MESSAGE_NOTHING_TO_SEARCH


def test_unmatched_quote_searches_the_words():
    parsed = parse('"child protection plan')
    assert to_fts5(parsed) == '("child") AND ("protection") AND ("plan")'
    assert parsed.message == MESSAGE_UNMATCHED_QUOTES


def test_typed_operators_are_not_passed_through():
    parsed = parse("NEAR(missing OR absent) NOT -police title:plan ^ + : *")
    assert to_fts5(parsed) == (
        '("missing") AND ("absent") AND ("police") AND ("title") AND ("plan")'
    )
    assert MESSAGE_OPERATORS in parsed.message


def test_plain_and_is_silently_the_default():
    parsed = parse("fostering AND panel")
    assert to_fts5(parsed) == '("fostering") AND ("panel")'
    assert parsed.message is None


def test_sql_and_control_characters_become_words_or_nothing():
    parsed = parse("'; DROP TABLE search_searchentry; --\x00\x07\u200b")
    assert to_fts5(parsed) == '("drop") AND ("table") AND ("search") AND ("searchentry")'
    assert "\x00" not in parsed.text


def test_long_search_is_capped():
    parsed = parse(" ".join(f"word{number}" for number in range(2000)))
    assert len(parsed.clauses) == MAX_TERMS
    assert MESSAGE_TOO_LONG in parsed.message


@given(st.text(max_size=300))
def test_parser_never_raises_and_emits_only_quoted_tokens(text):
    parsed = parse(text, synonyms=synonym_map())
    assert FTS5_QUERY.fullmatch(to_fts5(parsed))
    assert TS_QUERY.fullmatch(to_tsquery(parsed))
    assert len(parsed.clauses) <= MAX_TERMS


@given(
    st.lists(
        st.sampled_from(['"', "*", "(", ")", "-", "+", "^", ":", "AND", "OR", "NOT", "NEAR", "'"])
        | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
        max_size=40,
    )
)
def test_operator_soup_gives_a_well_formed_query(parts):
    parsed = parse(" ".join(parts))
    assert FTS5_QUERY.fullmatch(to_fts5(parsed))
    assert TS_QUERY.fullmatch(to_tsquery(parsed))
