"""Reads from the search index: `search`, already scoped by the caller to what a reader may open."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils.html import escape

from carebook.search.engines import MARK_END, MARK_START, Filters, get_engine
from carebook.search.models import SearchEntry
from carebook.search.query import ParsedQuery, parse
from carebook.search.synonyms import synonym_map

MAX_PER_PAGE = 100
SNIPPET_WORDS = 30
MESSAGE_NO_HITS = (
    "No procedures matched your search. Check the spelling, or try fewer or different words."
)
_AUDIENCE_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


@dataclass(frozen=True)
class SearchHit:
    procedure_id: int
    manual_id: int
    title: str
    url: str
    chapter_id: int | None
    chapter_title: str
    published_at: datetime
    snippet_html: str  # escaped text with <mark>…</mark> around matches only
    score: float


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    # A plain-English note for the reader, e.g. "Enter a word or phrase to search for."
    message: str | None
    expanded_terms: list[str]  # synonyms added, for "Also searched for: …"


def search(
    *,
    query: str,
    organisation_id: int,
    manual_ids: Sequence[int],
    chapter_id: int | None = None,
    audience: str | None = None,
    page: int = 1,
    per_page: int = 20,
    synonyms: Sequence[Sequence[str]] = (),
) -> SearchResults:
    """One page of the procedures in `manual_ids` that match `query`, best first.

    `manual_ids` must already hold only the manuals the reader may open: nothing outside it is
    ever returned. `synonyms` are the manual's glossary groups, added to the built-in list.
    """
    parsed = parse(query, synonyms=synonym_map(synonyms))
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    manual_ids = tuple(int(manual_id) for manual_id in manual_ids)
    audience = audience or None

    def results(hits: list[SearchHit], total: int, message: str | None) -> SearchResults:
        return SearchResults(
            query=parsed.text,
            hits=hits,
            total=total,
            page=page,
            per_page=per_page,
            message=message,
            expanded_terms=list(parsed.expanded_terms),
        )

    if parsed.is_empty:
        return results([], 0, parsed.message)
    unknown_audience = audience is not None and not _AUDIENCE_CODE.fullmatch(audience)
    if not manual_ids or unknown_audience:
        return results([], 0, parsed.message or MESSAGE_NO_HITS)

    filters = Filters(
        organisation_id=int(organisation_id),
        manual_ids=manual_ids,
        chapter_id=None if chapter_id is None else int(chapter_id),
        audience=audience,
    )
    engine = get_engine()
    with connection.cursor() as cursor:
        ranked, total = engine.rank(
            cursor, match=parsed, filters=filters, limit=per_page, offset=(page - 1) * per_page
        )
        ids = [entry_id for entry_id, _score in ranked]
        excerpts = engine.snippets(
            cursor, match=parsed, organisation_id=filters.organisation_id, entry_ids=ids
        )
    entries = SearchEntry.objects.defer("body_text", "keywords").in_bulk(ids)
    hits = [
        _hit(entries[entry_id], score, excerpts.get(entry_id, ("", "")))
        for entry_id, score in ranked
        if entry_id in entries
    ]
    return results(hits, total, parsed.message or (None if total else MESSAGE_NO_HITS))


def _hit(entry: SearchEntry, score: float, excerpts: tuple[str, str]) -> SearchHit:
    return SearchHit(
        procedure_id=entry.procedure_id,
        manual_id=entry.manual_id,
        title=entry.title,
        url=entry.url,
        chapter_id=entry.chapter_id,
        chapter_title=entry.chapter_title,
        published_at=entry.published_at,
        snippet_html=_snippet_html(entry, *excerpts),
        score=score,
    )


def _snippet_html(entry: SearchEntry, body_excerpt: str, summary_excerpt: str) -> str:
    """The body excerpt if it shows a match, else the summary's, else the summary's opening."""
    if MARK_START in body_excerpt:
        text = body_excerpt
    elif MARK_START in summary_excerpt:
        text = summary_excerpt
    elif entry.summary:
        opening = entry.summary.split()
        text = " ".join(opening[:SNIPPET_WORDS]) + ("…" if len(opening) > SNIPPET_WORDS else "")
    else:
        text = body_excerpt
    return escape(" ".join(text.split())).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


__all__ = ["ParsedQuery", "SearchHit", "SearchResults", "search"]
