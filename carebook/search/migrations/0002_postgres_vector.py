"""PostgreSQL only: the weighted tsvector column and its GIN index on (manual_id, vector).

The composite index (which needs btree_gin) lets one index scan find a manual's matching rows
without reading other manuals' postings in full. On SQLite this migration does nothing: FTS5
tables are made at run time, one per organisation.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE search_searchentry ADD COLUMN vector tsvector",
    "CREATE INDEX search_entry_manual_vector ON search_searchentry USING gin (manual_id, vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_manual_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(forward, backward)]
