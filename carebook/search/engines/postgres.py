"""PostgreSQL: a weighted tsvector on each search_searchentry row, ranked with ts_rank_cd.

The vector also holds the row's scope as lexemes that no search can produce (`o_1`, `m_12`,
`c_340`: a reader's words never hold an underscore), and a search ANDs them with its words, so
that the GIN index (migration 0002) alone finds the matches in the manuals searched, reading
postings in proportion to those manuals, not to the whole index. Conditions on the manual
columns instead let the planner prefer a btree and then test `vector @@` row by row, which
reads (and decompresses) every matching row's vector: 20-70 ms for a common word.

A second, small vector, `head` (title, keywords and summary; migration 0003), is where a broad
query takes its candidates from: ts_rank_cd must read the whole (compressed, out-of-line) body
vector of every row it ranks, so only the best RANK_AT_MOST candidates are ranked on it.

A phrase makes PostgreSQL read word positions, which the GIN index does not hold: it must
fetch and decompress the vector of every row that has all the phrase's words (6,000 rows and
20 ms for "social worker" across an organisation). So each row also carries a lexeme (`p_` and
a digest of the phrase's query) for every built-in multi-word term it contains, decided at write
time by PostgreSQL's own phrase match, and a search for such a term asks for the lexeme. Each
row also names the list it was written with (a `p_list_` lexeme); a row written with another
list (by a release before or after this one) is matched on positions as before, so results never
depend on which list a row has. `sync_phrases`, run after a migrate that finds the list
changed, brings every row up to date.

The vectors are written here, not by a trigger, so that every write to the index goes
through search.services.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import cache

from django.db import transaction

from carebook.search.engines import (
    MARK_END,
    MARK_START,
    RANK_AT_MOST,
    TIER_BODY,
    TIER_SUMMARY,
    TIER_TITLE,
    Filters,
    best_first,
)
from carebook.search.query import STOP_WORDS, ParsedQuery, Phrase, to_tsquery, tsquery_phrase
from carebook.search.synonyms import builtin_phrases

# Weights: A title and keywords, B summary, C body (ts_rank_cd's defaults give A the most).
VECTOR = (
    "setweight(to_tsvector('english', title || ' ' || keywords), 'A') || "
    "setweight(to_tsvector('english', summary), 'B') || "
    "setweight(to_tsvector('english', body_text), 'C') || "
    "array_to_tsvector(array_remove(ARRAY["
    "'o_' || organisation_id, 'm_' || manual_id, 'c_' || chapter_id], NULL))"
)
HEAD = (
    "setweight(to_tsvector('english', title || ' ' || keywords), 'A') || "
    "setweight(to_tsvector('english', summary), 'B')"
)
# The headline window: characters of body text before and after the first likely match.
WINDOW_BEFORE = 150
WINDOW_AFTER = 450
MIN_STEM = 3
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=20, ShortWord=2, "
    "FragmentDelimiter=…"
)


PHRASE_LEXEME_PREFIX = "p_"
# The built-in terms as rows (lexeme, phrase query, all-words query), parsed once per statement;
# a phrase is checked only in rows that hold all its words, a lookup in the vector's lexemes.
PHRASES = (
    "phrases AS MATERIALIZED (SELECT lexeme, to_tsquery('english', phrase) AS phrase, "
    "to_tsquery('english', every_word) AS every_word "
    "FROM unnest(%s::text[], %s::text[], %s::text[]) AS terms (lexeme, phrase, every_word))"
)


@cache
def phrase_lexemes() -> Mapping[str, str]:
    """The `to_tsquery` text of each built-in multi-word term, and the lexeme that stands for it."""
    texts = (
        tsquery_phrase(Phrase(tokens=tokens))
        for tokens in builtin_phrases()
        # Only stop words: to_tsquery makes nothing of it, and a search drops it too.
        if not all(token in STOP_WORDS for token in tokens)
    )
    return {
        text: PHRASE_LEXEME_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:16]
        for text in texts
    }


@cache
def phrases_digest() -> str:
    """Names the list of phrase lexemes: rows written with another list need `sync_phrases`."""
    return hashlib.sha256("\n".join(sorted(phrase_lexemes())).encode()).hexdigest()


@cache
def list_marker() -> str:
    """The lexeme in every row whose phrase lexemes follow this code's list."""
    return f"{PHRASE_LEXEME_PREFIX}list_{phrases_digest()[:16]}"


def _phrase_parameters() -> list[list[str]]:
    lexemes = phrase_lexemes()
    every_word = [text.replace(" <-> ", " & ") for text in lexemes]
    return [list(lexemes.values()), list(lexemes), every_word]


def _phrases_in(vector: str) -> str:
    """The phrase lexemes of `vector`, and the list's marker (one parameter)."""
    return (
        "array_to_tsvector(array_append(ARRAY(SELECT lexeme FROM phrases "  # noqa: S608
        f"WHERE {vector} @@ phrases.every_word AND {vector} @@ phrases.phrase), %s))"
    )


def refresh(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    cursor.execute(
        f"WITH {PHRASES}, fresh AS MATERIALIZED ("  # noqa: S608
        f"SELECT id, {VECTOR} AS vector, {HEAD} AS head "
        "FROM search_searchentry WHERE id = ANY(%s)) "
        "UPDATE search_searchentry AS e SET head = fresh.head, "
        f"vector = fresh.vector || {_phrases_in('fresh.vector')} "
        "FROM fresh WHERE e.id = fresh.id",
        [*_phrase_parameters(), list(entry_ids), list_marker()],
    )


def sync_phrases(cursor, *, entry_ids: Sequence[int]) -> int:
    """Give these rows the phrase lexemes of the current built-in list; the rows changed.

    Only the lexemes and the marker are replaced: the text is not parsed again.
    """
    held = (
        "ARRAY(SELECT lexeme FROM unnest(e.vector) AS held "  # noqa: S608
        f"WHERE left(lexeme, {len(PHRASE_LEXEME_PREFIX)}) = '{PHRASE_LEXEME_PREFIX}')"
    )
    cursor.execute(
        f"WITH {PHRASES} UPDATE search_searchentry AS e "  # noqa: S608
        f"SET vector = ts_delete(e.vector, {held}) || {_phrases_in('e.vector')} "
        "WHERE e.id = ANY(%s)",
        [*_phrase_parameters(), list_marker(), list(entry_ids)],
    )
    return cursor.rowcount


def forget(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    """Nothing to do: the vector goes with its row."""


def scope_query(filters: Filters) -> str:
    """The tsquery (cast, not parsed) that keeps a search to its organisation, manuals, chapter."""
    manuals = " | ".join(f"m_{int(manual_id)}" for manual_id in filters.manual_ids)
    scope = f"o_{int(filters.organisation_id)} & ({manuals})"
    if filters.chapter_id is not None:
        scope += f" & c_{int(filters.chapter_id)}"
    return scope


def rank(
    cursor, *, match: ParsedQuery, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    if not filters.manual_ids:
        return [], 0
    # Hits in (tier, id) order, with the exact total. The match is answered by the GIN index
    # alone (no weights, so no recheck) and the tiers read only the small inline `head`.
    # The planner counts `vector @@` as one cheap operator, not as reading each row's
    # compressed, out-of-line vector, so for a common word it would scan the table instead
    # (68 ms against 2 ms for one manual's 2,000 matches): sequential scans are turned off
    # for this statement only (SET LOCAL ends with the transaction; inside a caller's
    # transaction the setting is put back at once).
    nested = cursor.db.in_atomic_block
    with transaction.atomic(using=cursor.db.alias):
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        rows = _tiered(
            cursor, match=match, filters=filters, wanted=max(RANK_AT_MOST, offset + limit)
        )
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
    total = rows[0][2] if rows else 0
    if offset >= total:
        return [], total

    def score(entry_ids: Sequence[int]) -> Mapping[int, float]:
        cursor.execute(
            "SELECT e.id, ts_rank_cd(e.vector, q) FROM search_searchentry AS e, "
            "to_tsquery('english', %s) AS q WHERE e.id = ANY(%s)",
            [to_tsquery(match), list(entry_ids)],
        )
        return {row[0]: float(row[1]) for row in cursor.fetchall()}

    tiered = [(row[0], row[1]) for row in rows]
    return best_first(tiered=tiered, total=total, score=score, limit=limit, offset=offset), total


def _tiered(cursor, *, match: ParsedQuery, filters: Filters, wanted: int) -> list[tuple]:
    indexed, indexed_parameters = indexed_match(match)
    audience, parameters = "", []
    if filters.audience is not None:
        audience, parameters = "AND e.audience LIKE %s", [filters.audience_pattern]
    cursor.execute(
        "SELECT e.id, CASE WHEN e.head @@ title_words THEN %s "  # noqa: S608
        "WHEN e.head @@ q THEN %s ELSE %s END AS tier, count(*) OVER () "
        "FROM search_searchentry AS e, to_tsquery('english', %s) AS q, "
        "to_tsquery('english', %s) AS title_words, CAST(%s AS tsquery) AS scope "
        f"WHERE e.vector @@ ({indexed} && scope) {audience} ORDER BY tier, e.id LIMIT %s",
        [
            TIER_TITLE,
            TIER_SUMMARY,
            TIER_BODY,
            to_tsquery(match),
            to_tsquery(match, weights="A"),
            scope_query(filters),
            *indexed_parameters,
            *parameters,
            wanted,
        ],
    )
    return cursor.fetchall()


def indexed_match(match: ParsedQuery) -> tuple[str, list[str]]:
    """The match as SQL for the GIN index: a built-in multi-word term is asked for by its lexeme.

    Everything else is the same `to_tsquery` text as the ranking uses. Rows that carry this
    code's list marker are matched on the lexemes, which the index answers alone; rows written
    with another list are matched on the phrase itself (the index finds rows with all its
    words, and PostgreSQL checks their positions).
    """
    lexemes = phrase_lexemes()
    clauses, parameters = [], []
    for clause in match.clauses:
        alternatives = []
        for phrase in clause.alternatives:
            text = tsquery_phrase(phrase)
            if text in lexemes:
                alternatives.append("CAST(%s AS tsquery)")
                parameters.append(lexemes[text])
            else:
                alternatives.append("to_tsquery('english', %s)")
                parameters.append(text)
        clauses.append("(" + " || ".join(alternatives) + ")")
    if not any(parameter in lexemes.values() for parameter in parameters):
        return "to_tsquery('english', %s)", [to_tsquery(match)]
    marker = list_marker()
    return (
        f"(({' && '.join(clauses)} && CAST(%s AS tsquery)) "
        "|| (to_tsquery('english', %s) && (!! CAST(%s AS tsquery))))",
        [*parameters, marker, to_tsquery(match), marker],
    )


def snippets(
    cursor, *, match: ParsedQuery, organisation_id: int, entry_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    if not entry_ids:
        return {}
    cursor.execute(
        "SELECT id, body_text, summary FROM search_searchentry WHERE id = ANY(%s)",
        [list(entry_ids)],
    )
    rows = cursor.fetchall()
    # ts_headline parses all the text it is given (about 1 ms for 500 words), so it gets only
    # a window around the first likely match; the stemming and marking are still PostgreSQL's.
    finder = _likely_match(match)
    texts = [_window(body, finder) for _id, body, _summary in rows]
    texts += [summary for _id, _body, summary in rows]
    cursor.execute(
        "SELECT ts_headline('english', text, q, %s) "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS texts (text, position), "
        "to_tsquery('english', %s) AS q ORDER BY position",
        [HEADLINE_OPTIONS, texts, to_tsquery(match)],
    )
    headlines = [row[0] or "" for row in cursor.fetchall()]
    return {
        row[0]: (headlines[index], headlines[len(rows) + index]) for index, row in enumerate(rows)
    }


def _likely_match(match: ParsedQuery) -> re.Pattern[str]:
    """Words that start like a query token (its first letters stand in for its stem)."""
    stems = {
        token[: max(MIN_STEM, len(token) - 3)]
        for clause in match.clauses
        for phrase in clause.alternatives
        for token in phrase.tokens
        if token not in STOP_WORDS
    }
    return re.compile(
        r"\b(?:" + "|".join(re.escape(stem) for stem in sorted(stems)) + ")", re.IGNORECASE
    )


def _window(text: str, finder: re.Pattern[str]) -> str:
    found = finder.search(text)
    if found is None:
        return text  # the match is in a form our guess missed: let PostgreSQL read it all
    start = text.rfind(" ", 0, max(0, found.start() - WINDOW_BEFORE)) + 1
    end = text.find(" ", found.start() + WINDOW_AFTER)
    return text[start : end if end != -1 else len(text)]
