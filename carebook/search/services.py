"""Writes to the search index. The publishing service calls these; nothing else writes it."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from carebook.search.engines import get_engine, postgres
from carebook.search.models import PhraseLexemes, SearchEntry
from carebook.search.query import clean

# Rows per statement when indexing many entries: well under SQLite's limit on parameters.
BATCH_SIZE = 500
# Rows rewritten per transaction when the built-in phrase list changes.
SYNC_BATCH_SIZE = 2000


@dataclass(frozen=True)
class IndexEntry:
    organisation_id: int
    manual_id: int
    procedure_id: int
    chapter_id: int | None
    chapter_title: str
    title: str
    summary: str
    keywords: list[str]
    audience: list[str]  # codes like "childrens-social-work", "fostering", "residential"
    body_text: str  # plain text of all sections, headings included
    url: str  # path of the procedure page, e.g. /northshire/csc/assessment/referrals/
    published_at: datetime  # aware datetime of the version shown


def index_entry(entry: IndexEntry) -> None:
    """Insert or replace the index row for (entry.manual_id, entry.procedure_id)."""
    index_entries(entries=[entry])


def index_entries(*, entries: Sequence[IndexEntry]) -> None:
    """Insert or replace many rows at once (a whole manual, or the benchmark's corpus)."""
    latest = {(entry.manual_id, entry.procedure_id): entry for entry in entries}
    keys = list(latest)
    for start in range(0, len(keys), BATCH_SIZE):
        _index_batch([latest[key] for key in keys[start : start + BATCH_SIZE]])


@transaction.atomic
def _index_batch(entries: list[IndexEntry]) -> None:
    engine = get_engine()
    wanted = {(entry.manual_id, entry.procedure_id): entry for entry in entries}
    with connection.cursor() as cursor:
        # A procedure whose manual moved to another organisation leaves that organisation's
        # engine index first (it matters on SQLite, where each organisation has its own table).
        moved: dict[int, list[int]] = defaultdict(list)
        for row_id, organisation_id, key in _existing(wanted):
            if wanted[key].organisation_id != organisation_id:
                moved[organisation_id].append(row_id)
        for organisation_id, row_ids in moved.items():
            engine.forget(cursor, organisation_id=organisation_id, entry_ids=row_ids)

        # An upsert on the unique key: two writers indexing the same procedure at once end
        # with one row, holding whichever text was written last.
        SearchEntry.objects.bulk_create(
            [_row(entry) for entry in entries],
            update_conflicts=True,
            unique_fields=["manual_id", "procedure_id"],
            update_fields=[
                "organisation_id",
                "chapter_id",
                "chapter_title",
                "title",
                "summary",
                "keywords",
                "body_text",
                "audience",
                "url",
                "published_at",
            ],
        )
        by_organisation: dict[int, list[int]] = defaultdict(list)
        for row_id, organisation_id, _key in _existing(wanted):
            by_organisation[organisation_id].append(row_id)
        for organisation_id, row_ids in by_organisation.items():
            engine.refresh(cursor, organisation_id=organisation_id, entry_ids=row_ids)


def _existing(
    wanted: dict[tuple[int, int], IndexEntry],
) -> Iterable[tuple[int, int, tuple[int, int]]]:
    rows = SearchEntry.objects.filter(
        manual_id__in={key[0] for key in wanted},
        procedure_id__in={key[1] for key in wanted},
    ).values_list("id", "organisation_id", "manual_id", "procedure_id")
    for row_id, organisation_id, manual_id, procedure_id in rows:
        if (manual_id, procedure_id) in wanted:
            yield row_id, organisation_id, (manual_id, procedure_id)


def _row(entry: IndexEntry) -> SearchEntry:
    audience = [clean(code) for code in entry.audience if clean(code)]
    return SearchEntry(
        organisation_id=entry.organisation_id,
        manual_id=entry.manual_id,
        procedure_id=entry.procedure_id,
        chapter_id=entry.chapter_id,
        chapter_title=clean(entry.chapter_title),
        title=clean(entry.title),
        summary=clean(entry.summary),
        keywords=", ".join(clean(keyword) for keyword in entry.keywords),
        body_text=clean(entry.body_text),
        audience=f"|{'|'.join(audience)}|" if audience else "",
        url=entry.url,
        published_at=entry.published_at,
    )


@transaction.atomic
def remove_entry(*, manual_id: int, procedure_id: int) -> None:
    _remove(SearchEntry.objects.filter(manual_id=manual_id, procedure_id=procedure_id))


@transaction.atomic
def remove_manual(*, manual_id: int) -> None:
    _remove(SearchEntry.objects.filter(manual_id=manual_id))


def _remove(rows) -> None:
    engine = get_engine()
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for row_id, organisation_id in rows.values_list("id", "organisation_id"):
        by_organisation[organisation_id].append(row_id)
    with connection.cursor() as cursor:
        for organisation_id, row_ids in by_organisation.items():
            engine.forget(cursor, organisation_id=organisation_id, entry_ids=row_ids)
    rows.delete()


def sync_phrase_lexemes(*, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """On PostgreSQL, give every row the lexemes of the current built-in phrase list.

    Does nothing (and returns None) when the rows already follow it, or on SQLite; otherwise
    returns the number of rows brought up to date. The rows are rewritten in batches, each in
    its own transaction, so that publishing is never held up for long; searches are correct
    throughout, because a row not yet rewritten is matched on word positions (ADR 0004). Two
    processes running it at once do the same work twice, harmlessly.
    """
    if connections[using].vendor != "postgresql":
        return None
    current = postgres.phrases_digest()
    with transaction.atomic(using=using):
        state, _ = PhraseLexemes.objects.using(using).get_or_create(pk=1)
        if state.digest == current:
            return None
    changed, last_id = 0, 0
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            batch = list(
                SearchEntry.objects.using(using)
                .filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:SYNC_BATCH_SIZE]
            )
            if not batch:
                break
            changed += postgres.sync_phrases(cursor, entry_ids=batch)
            last_id = batch[-1]
    with transaction.atomic(using=using):
        state = PhraseLexemes.objects.using(using).select_for_update().get(pk=1)
        state.digest = current
        state.save(using=using, update_fields=["digest", "synced_at"])
    return changed
