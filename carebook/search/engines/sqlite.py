"""SQLite: one FTS5 table per organisation, ranked with bm25 inside the engine.

A table per organisation keeps a query's work to that organisation's rows, however many other
organisations share the database. Its rowid is the id of the matching search_searchentry row,
which holds the manual, chapter and audience used to filter in the same statement.
"""

from collections.abc import Sequence

from carebook.search.engines import MARK_END, MARK_START, Filters, excerpt
from carebook.search.models import FtsPartition
from carebook.search.query import ParsedQuery, to_fts5

# Column weights for bm25, in table order: a word in the title or keywords counts for more
# than one in the summary, and that more than one in the body.
WEIGHTS = "10.0, 8.0, 3.0, 1.0"
SNIPPET_WORDS = 30


def table_name(organisation_id: int) -> str:
    """The FTS5 table of one organisation; made from an integer only, so safe to format in."""
    return f"search_fts_{int(organisation_id)}"


def _ensure_table(cursor, organisation_id: int) -> str:
    table = table_name(organisation_id)
    if not FtsPartition.objects.filter(organisation_id=organisation_id).exists():
        # A table without its FtsPartition row was left behind by a flush: start afresh.
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5("
            "title, keywords, summary, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        FtsPartition.objects.get_or_create(organisation_id=organisation_id)
    return table


def _has_table(organisation_id: int) -> bool:
    return FtsPartition.objects.filter(organisation_id=organisation_id).exists()


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def refresh(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    table = _ensure_table(cursor, organisation_id)
    marks = _placeholders(entry_ids)
    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(entry_ids))  # noqa: S608
    cursor.execute(
        f"INSERT INTO {table} (rowid, title, keywords, summary, body) "  # noqa: S608
        f"SELECT id, title, keywords, summary, body_text FROM search_searchentry "
        f"WHERE id IN ({marks})",
        list(entry_ids),
    )


def forget(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    if not _has_table(organisation_id):
        return
    table = table_name(organisation_id)
    marks = _placeholders(entry_ids)
    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(entry_ids))  # noqa: S608


def rank(
    cursor, *, match: ParsedQuery, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    if not _has_table(filters.organisation_id):
        return [], 0
    table = table_name(filters.organisation_id)
    where, parameters = filters.where(alias="e", array_parameter=False)
    # CROSS JOIN makes SQLite walk the FTS5 matches and look each entry up by id; the other
    # order would run one full-text query per entry of the manual.
    source = (
        f"FROM {table} CROSS JOIN search_searchentry AS e ON e.id = {table}.rowid "
        f"WHERE {table} MATCH %s AND {where}"
    )
    # bm25() cannot sit beside a window function, so the matches are gathered once in a
    # materialised CTE, which then gives both the page and the total.
    cursor.execute(
        f"WITH hits AS MATERIALIZED (SELECT e.id AS id, bm25({table}, {WEIGHTS}) AS score "  # noqa: S608
        f"{source}) "
        "SELECT id, score, (SELECT count(*) FROM hits) FROM hits "
        "ORDER BY score, id LIMIT %s OFFSET %s",
        [to_fts5(match), *parameters, limit, offset],
    )
    rows = cursor.fetchall()
    if rows:
        return [(row[0], -row[1]) for row in rows], rows[0][2]
    if offset == 0:
        return [], 0
    cursor.execute(f"SELECT count(*) {source}", [to_fts5(match), *parameters])  # noqa: S608
    return [], cursor.fetchone()[0]


def snippets(
    cursor, *, match: ParsedQuery, organisation_id: int, entry_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    if not entry_ids or not _has_table(organisation_id):
        return {}
    table = table_name(organisation_id)
    marks = f"'{MARK_START}', '{MARK_END}'"
    # highlight() marks the whole text in one pass and the excerpt is cut here; snippet()
    # scores every window around every match, which is several times slower for a word that
    # appears dozens of times in each procedure.
    cursor.execute(
        f"SELECT rowid, highlight({table}, 3, {marks}), highlight({table}, 2, {marks}) "  # noqa: S608
        f"FROM {table} WHERE {table} MATCH %s AND rowid IN ({_placeholders(entry_ids)})",
        [to_fts5(match), *entry_ids],
    )
    return {
        row[0]: (
            excerpt(row[1] or "", words=SNIPPET_WORDS),
            excerpt(row[2] or "", words=SNIPPET_WORDS),
        )
        for row in cursor.fetchall()
    }
