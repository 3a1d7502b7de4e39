"""PostgreSQL: a weighted tsvector on each search_searchentry row, ranked with ts_rank_cd.

The GIN index on (manual_id, vector) (migration 0002, with btree_gin) finds one manual's
matches without walking other manuals' rows, so the cost of a query follows the size of the
manuals searched, not of the whole index. The vector is written here, not by a trigger, so
that every write to the index goes through search.services.
"""

from collections.abc import Sequence

from carebook.search.engines import MARK_END, MARK_START, Filters
from carebook.search.query import ParsedQuery, to_tsquery

# Weights: A title and keywords, B summary, C body (ts_rank_cd's defaults give A the most).
VECTOR = (
    "setweight(to_tsvector('english', title || ' ' || keywords), 'A') || "
    "setweight(to_tsvector('english', summary), 'B') || "
    "setweight(to_tsvector('english', body_text), 'C')"
)
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=20, ShortWord=2, "
    "FragmentDelimiter=…"
)


def refresh(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    cursor.execute(
        f"UPDATE search_searchentry SET vector = {VECTOR} WHERE id = ANY(%s)",  # noqa: S608
        [list(entry_ids)],
    )


def forget(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    """Nothing to do: the vector goes with its row."""


def rank(
    cursor, *, match: ParsedQuery, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    where, parameters = filters.where(alias="e", array_parameter=True)
    source = (
        "FROM search_searchentry AS e, to_tsquery('english', %s) AS q "
        f"WHERE e.vector @@ q AND {where}"
    )
    cursor.execute(
        f"SELECT e.id, ts_rank_cd(e.vector, q) AS score, count(*) OVER () "  # noqa: S608
        f"{source} ORDER BY score DESC, e.id LIMIT %s OFFSET %s",
        [to_tsquery(match), *parameters, limit, offset],
    )
    rows = cursor.fetchall()
    if rows:
        return [(row[0], float(row[1])) for row in rows], rows[0][2]
    if offset == 0:
        return [], 0
    cursor.execute(f"SELECT count(*) {source}", [to_tsquery(match), *parameters])  # noqa: S608
    return [], cursor.fetchone()[0]


def snippets(
    cursor, *, match: ParsedQuery, organisation_id: int, entry_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    if not entry_ids:
        return {}
    cursor.execute(
        "SELECT e.id, ts_headline('english', e.body_text, q, %s), "
        "ts_headline('english', e.summary, q, %s) "
        "FROM search_searchentry AS e, to_tsquery('english', %s) AS q WHERE e.id = ANY(%s)",
        [HEADLINE_OPTIONS, HEADLINE_OPTIONS, to_tsquery(match), list(entry_ids)],
    )
    return {row[0]: (row[1] or "", row[2] or "") for row in cursor.fetchall()}
