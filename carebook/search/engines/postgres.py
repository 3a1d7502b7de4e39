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

The vectors are written here, not by a trigger, so that every write to the index goes
through search.services.
"""

import re
from collections.abc import Mapping, Sequence

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
from carebook.search.query import STOP_WORDS, ParsedQuery, to_tsquery

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


def refresh(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    cursor.execute(
        f"UPDATE search_searchentry SET vector = {VECTOR}, head = {HEAD} "  # noqa: S608
        "WHERE id = ANY(%s)",
        [list(entry_ids)],
    )


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
    audience, parameters = "", []
    if filters.audience is not None:
        audience, parameters = "AND e.audience LIKE %s", [filters.audience_pattern]
    cursor.execute(
        "SELECT e.id, CASE WHEN e.head @@ title_words THEN %s "  # noqa: S608
        "WHEN e.head @@ q THEN %s ELSE %s END AS tier, count(*) OVER () "
        "FROM search_searchentry AS e, to_tsquery('english', %s) AS q, "
        "to_tsquery('english', %s) AS title_words, CAST(%s AS tsquery) AS scope "
        f"WHERE e.vector @@ (q && scope) {audience} ORDER BY tier, e.id LIMIT %s",
        [
            TIER_TITLE,
            TIER_SUMMARY,
            TIER_BODY,
            to_tsquery(match),
            to_tsquery(match, weights="A"),
            scope_query(filters),
            *parameters,
            wanted,
        ],
    )
    return cursor.fetchall()


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
