"""Broad queries rank only their best candidates (docs/adr/0003-search-ranking.md).

SQLite: every organisation's FTS5 table is made again with a fifth column, `scope`, holding the
row's manual and chapter as tokens (`m12 c340`), and refilled from search_searchentry, so
existing entries stay searchable. PostgreSQL: the organisation, manual and chapter are added to
each row's `vector` as lexemes no search can produce (`o_1 m_12 c_340`), so that the GIN index
alone answers a scoped search; and a small `head` tsvector (title and keywords at weight A,
summary at B), from which broad queries take their candidates before ranking them on the full
`vector`. Both are filled for existing rows.

The SQL is copied here rather than imported from the engines, so that this migration keeps
doing what it did when later code changes.
"""

from django.db import migrations

SQLITE_COLUMNS = "title, keywords, summary, body, scope"
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
SQLITE_OLD_COLUMNS = "title, keywords, summary, body"
SQLITE_SCOPE = "'m' || manual_id || coalesce(' c' || chapter_id, '')"

POSTGRES_HEAD = (
    "setweight(to_tsvector('english', title || ' ' || keywords), 'A') || "
    "setweight(to_tsvector('english', summary), 'B')"
)
POSTGRES_SCOPE = (
    "array_remove(ARRAY['o_' || organisation_id, 'm_' || manual_id, 'c_' || chapter_id], NULL)"
)


def _organisations(schema_editor) -> list[int]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id FROM search_ftspartition UNION "
            "SELECT DISTINCT organisation_id FROM search_searchentry"
        )
        return sorted(row[0] for row in cursor.fetchall())


def _rebuild_sqlite(schema_editor, *, columns: str, values: str) -> None:
    organisations = _organisations(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        for organisation_id in organisations:
            table = f"search_fts_{int(organisation_id)}"
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, "
                f"tokenize = '{SQLITE_TOKENIZER}')"
            )
            cursor.execute(
                f"INSERT INTO {table} (rowid, {columns}) "  # noqa: S608
                f"SELECT id, {values} FROM search_searchentry WHERE organisation_id = %s",
                [organisation_id],
            )
            cursor.execute(
                "INSERT OR IGNORE INTO search_ftspartition (organisation_id) VALUES (%s)",
                [organisation_id],
            )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _rebuild_sqlite(
            schema_editor,
            columns=SQLITE_COLUMNS,
            values=f"title, keywords, summary, body_text, {SQLITE_SCOPE}",
        )
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchentry ADD COLUMN head tsvector")
        schema_editor.execute(
            f"UPDATE search_searchentry SET head = {POSTGRES_HEAD}, "  # noqa: S608
            f"vector = vector || array_to_tsvector({POSTGRES_SCOPE})"
        )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _rebuild_sqlite(
            schema_editor,
            columns=SQLITE_OLD_COLUMNS,
            values="title, keywords, summary, body_text",
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE search_searchentry SET vector = ts_delete(vector, {POSTGRES_SCOPE})"  # noqa: S608
        )
        schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS head")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_vector")]

    operations = [migrations.RunPython(forward, backward)]
