"""The search index: one row per (manual, procedure), written only by search.services.

Ids are plain integers, not foreign keys: the index is derived data that the publishing
service keeps current, and it must not stop a manual or procedure from being deleted.
"""

from django.db import models


class SearchEntry(models.Model):
    organisation_id = models.BigIntegerField()
    manual_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    chapter_id = models.BigIntegerField(null=True, blank=True)
    chapter_title = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    # Kept here as well as in the engine's index: PostgreSQL builds its vector and headlines
    # from these columns, and SQLite refills its FTS5 row from them.
    body_text = models.TextField(blank=True)
    # Codes between bars ("|fostering|residential|") so that one LIKE finds a code exactly.
    audience = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(
                fields=["manual_id", "procedure_id"], name="search_entry_one_per_procedure"
            )
        ]
        indexes = [models.Index(fields=["organisation_id", "manual_id"])]

    def __str__(self) -> str:
        return f"{self.title} (manual {self.manual_id})"


class FtsPartition(models.Model):
    """An organisation whose SQLite FTS5 table exists (unused on PostgreSQL).

    FTS5 tables are made at run time, outside Django's knowledge; this row is how we know one
    is current. A test flush empties this table but not the FTS5 tables, so a table without a
    row here is stale and is dropped and made afresh on the next write.
    """

    organisation_id = models.BigIntegerField(unique=True)

    def __str__(self) -> str:
        return f"FTS5 table for organisation {self.organisation_id}"


class PhraseLexemes(models.Model):
    """Which built-in phrase list the PostgreSQL vectors carry lexemes for (one row).

    `digest` names the list (engines.postgres.phrases_digest). After every migrate,
    services.sync_phrase_lexemes compares it with the list in the code and, when they differ,
    gives every row the lexemes of the new list. Unused on SQLite.
    """

    digest = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "phrase lexemes"

    def __str__(self) -> str:
        return f"Phrase lexemes {self.digest[:12] or '(none)'}"
