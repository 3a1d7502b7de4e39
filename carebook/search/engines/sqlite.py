"""SQLite: one FTS5 table per organisation, ranked with bm25 inside the engine.

A table per organisation keeps a query's work to that organisation's rows, however many other
organisations share the database. Its rowid is the id of the search_searchentry row. Its last
column, `scope`, holds the row's manual and chapter as tokens (`m12 c340`), so that scoping a
search to manuals and a chapter is part of the FTS5 match rather than a join: the join cost
more than the full-text work itself (docs/performance.md). Only the audience filter, which is
rare, still joins search_searchentry.
"""

from collections.abc import Mapping, Sequence

from carebook.search.engines import (
    MARK_END,
    MARK_START,
    RANK_AT_MOST,
    TIER_BODY,
    TIER_SUMMARY,
    TIER_TITLE,
    Filters,
    best_first,
    excerpt,
)
from carebook.search.models import FtsPartition
from carebook.search.query import ParsedQuery, to_fts5

COLUMNS = "title, keywords, summary, body, scope"
TOKENIZER = "porter unicode61 remove_diacritics 2"
# The scope tokens of a search_searchentry row (aliased `e`), made in SQL so that a rebuild can
# refill every table with one statement; migration 0003 holds its own copy of this expression.
SCOPE = "'m' || e.manual_id || coalesce(' c' || e.chapter_id, '')"
# Column weights for bm25, in table order: a word in the title or keywords counts for more
# than one in the summary, and that more than one in the body; the scope is never searched.
WEIGHTS = "10.0, 8.0, 3.0, 1.0, 0.0"
# The columns a reader's words are looked for in, by candidate tier (see engines.best_first).
TEXT = "{title keywords summary body}"
TIER_COLUMNS = {
    TIER_TITLE: "{title keywords}",
    TIER_SUMMARY: "{title keywords summary}",
    TIER_BODY: TEXT,
}
SNIPPET_WORDS = 30


def table_name(organisation_id: int) -> str:
    """The FTS5 table of one organisation; made from an integer only, so safe to format in."""
    return f"search_fts_{int(organisation_id)}"


def create_table(cursor, table: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({COLUMNS}, tokenize = '{TOKENIZER}')")


def _ensure_table(cursor, organisation_id: int) -> str:
    table = table_name(organisation_id)
    if not FtsPartition.objects.filter(organisation_id=organisation_id).exists():
        # A table without its FtsPartition row was left behind by a flush: start afresh.
        create_table(cursor, table)
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
        f"INSERT INTO {table} (rowid, {COLUMNS}) "  # noqa: S608
        f"SELECT e.id, e.title, e.keywords, e.summary, e.body_text, {SCOPE} "
        f"FROM search_searchentry AS e WHERE e.id IN ({marks})",
        list(entry_ids),
    )


def forget(cursor, *, organisation_id: int, entry_ids: Sequence[int]) -> None:
    if not _has_table(organisation_id):
        return
    table = table_name(organisation_id)
    marks = _placeholders(entry_ids)
    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(entry_ids))  # noqa: S608


def scope_match(filters: Filters) -> str:
    """The FTS5 condition on the scope column: one of the manuals, and the chapter if given."""
    manuals = " OR ".join(f"m{int(manual_id)}" for manual_id in filters.manual_ids)
    condition = f"scope: ({manuals})"
    if filters.chapter_id is not None:
        condition += f" AND scope: c{int(filters.chapter_id)}"
    return condition


def rank(
    cursor, *, match: ParsedQuery, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    if not _has_table(filters.organisation_id) or not filters.manual_ids:
        return [], 0
    table = table_name(filters.organisation_id)
    words = to_fts5(match)
    scope = scope_match(filters)

    def matching(columns: str, excluded: str | None = None) -> str:
        expression = f"({scope}) AND ({columns}: ({words}))"
        if excluded is not None:
            expression += f" NOT ({excluded}: ({words}))"
        return expression

    if filters.audience is None:
        source, extra = f"FROM {table} WHERE {table} MATCH %s", []
    else:
        # CROSS JOIN makes SQLite walk the FTS5 matches and look each entry up by id.
        source = (
            f"FROM {table} CROSS JOIN search_searchentry AS e ON e.id = {table}.rowid "
            f"WHERE {table} MATCH %s AND e.audience LIKE %s"
        )
        extra = [filters.audience_pattern]

    everything = matching(TEXT)
    cursor.execute(f"SELECT count(*) {source}", [everything, *extra])  # noqa: S608
    total = cursor.fetchone()[0]
    if total == 0 or offset >= total:
        return [], total
    if total <= RANK_AT_MOST:
        # Every hit is ranked on the full text, as bm25 alone would order them.
        cursor.execute(
            f"SELECT {table}.rowid, bm25({table}, {WEIGHTS}) AS score {source} "  # noqa: S608
            f"ORDER BY score, {table}.rowid LIMIT %s OFFSET %s",
            [everything, *extra, limit, offset],
        )
        return [(row[0], -row[1]) for row in cursor.fetchall()], total

    wanted = max(RANK_AT_MOST, offset + limit)
    tiered: list[tuple[int, int]] = []
    previous = None
    for tier, columns in TIER_COLUMNS.items():
        cursor.execute(
            f"SELECT {table}.rowid {source} ORDER BY {table}.rowid LIMIT %s",  # noqa: S608
            [matching(columns, previous), *extra, wanted - len(tiered)],
        )
        tiered += [(row[0], tier) for row in cursor.fetchall()]
        if len(tiered) >= wanted:
            break
        previous = columns

    def score(entry_ids: Sequence[int]) -> Mapping[int, float]:
        # `+rowid` keeps the list from becoming an FTS5 rowid constraint, which would run the
        # whole match once for each id; here the match runs once and bm25 only on these ids.
        cursor.execute(
            f"SELECT rowid, bm25({table}, {WEIGHTS}) FROM {table} "  # noqa: S608
            f"WHERE {table} MATCH %s AND +rowid IN ({_placeholders(entry_ids)})",
            [everything, *entry_ids],
        )
        return {row[0]: -row[1] for row in cursor.fetchall()}

    return best_first(tiered=tiered, total=total, score=score, limit=limit, offset=offset), total


def snippets(
    cursor, *, match: ParsedQuery, organisation_id: int, entry_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    if not entry_ids or not _has_table(organisation_id):
        return {}
    table = table_name(organisation_id)
    marks = f"'{MARK_START}', '{MARK_END}'"
    # highlight() marks the whole text in one pass and the excerpt is cut here; snippet()
    # scores every window around every match, which is several times slower for a word that
    # appears dozens of times in each procedure. `+rowid`, as in rank(): a prefix search run
    # once for each of 20 ids took 30 ms, against 4 ms run once.
    cursor.execute(
        f"SELECT rowid, highlight({table}, 3, {marks}), highlight({table}, 2, {marks}) "  # noqa: S608
        f"FROM {table} WHERE {table} MATCH %s AND +rowid IN ({_placeholders(entry_ids)})",
        [f"{TEXT}: ({to_fts5(match)})", *entry_ids],
    )
    return {
        row[0]: (
            excerpt(row[1] or "", words=SNIPPET_WORDS),
            excerpt(row[2] or "", words=SNIPPET_WORDS),
        )
        for row in cursor.fetchall()
    }
