"""The engine behind the search layer, chosen by the database in use.

Each engine module provides the same functions:

- `refresh(cursor, *, organisation_id, entry_ids)`: (re)build the engine's index for rows of
  `search_searchentry` that have just been written;
- `forget(cursor, *, organisation_id, entry_ids)`: drop the engine's index for rows about to be
  deleted;
- `rank(cursor, *, match, filters, limit, offset)`: the ids and scores of one page of hits,
  best first, and the exact total number of hits (see `best_first` for the order);
- `snippets(cursor, *, match, organisation_id, entry_ids)`: for each id, a body and a summary
  excerpt with matches between `MARK_START` and `MARK_END`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

# Private-use characters mark matches in excerpts; indexed text never holds them (query.clean
# removes them), so escaping the excerpt and then swapping them for <mark> tags is safe.
MARK_START = "\ue000"
MARK_END = "\ue001"


def excerpt(marked: str, *, words: int = 30, lead: int = 8) -> str:
    """About `words` words of `marked` text, starting a little before its first match.

    The window starts before the first mark, so only its end can cut a mark; a cut mark is
    closed, so that every MARK_START has its MARK_END.
    """
    tokens = marked.split()
    first = next((index for index, token in enumerate(tokens) if MARK_START in token), 0)
    start = max(0, first - lead)
    chosen = tokens[start : start + words]
    text = " ".join(chosen)
    if text.rfind(MARK_END) < text.rfind(MARK_START):
        text += MARK_END
    return ("…" if start > 0 else "") + text + ("…" if start + words < len(tokens) else "")


# Above this many hits, only this many candidates are ranked on the full text (bm25 or
# ts_rank_cd costs 15-50 µs a row for a 500-word body, so ranking all 6,000 matches of a common
# word cannot be fast); the total stays exact. See docs/adr/0003-search-ranking.md.
RANK_AT_MOST = 200

# Candidate tiers of a broad query, best first: every term in the title or keywords; every term
# in the title, keywords or summary; every term anywhere (the body included).
TIER_TITLE, TIER_SUMMARY, TIER_BODY = 1, 2, 3


def best_first(
    *,
    tiered: Sequence[tuple[int, int]],
    total: int,
    score: Callable[[Sequence[int]], Mapping[int, float]],
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """One page of (id, score), best first, from hits listed in (tier, id) order.

    `tiered` holds at least the first max(RANK_AT_MOST, offset + limit) hits, or all of them;
    `score` gives the full-text score (higher is better) of the ids it is given. With at most
    RANK_AT_MOST hits, every hit is ranked by score alone. Above that, the first RANK_AT_MOST in
    tier order are the candidates: they come first, by tier and then score, followed by the
    other hits in tier order. So pages follow on from one another without repeats, and the
    ranking considers the best RANK_AT_MOST candidates.
    """
    candidates = tiered[:RANK_AT_MOST]
    scores = dict(score([entry_id for entry_id, _tier in candidates]))
    if total <= RANK_AT_MOST:
        ordered = sorted(candidates, key=lambda hit: (-scores.get(hit[0], 0.0), hit[0]))
    else:
        ordered = sorted(candidates, key=lambda hit: (hit[1], -scores.get(hit[0], 0.0), hit[0]))
    ordered += tiered[RANK_AT_MOST:]
    page = [entry_id for entry_id, _tier in ordered[offset : offset + limit]]
    unscored = [entry_id for entry_id in page if entry_id not in scores]
    if unscored:
        scores.update(score(unscored))
    return [(entry_id, scores.get(entry_id, 0.0)) for entry_id in page]


@dataclass(frozen=True)
class Filters:
    organisation_id: int
    manual_ids: tuple[int, ...]
    chapter_id: int | None = None
    audience: str | None = None

    @property
    def audience_pattern(self) -> str:
        """A LIKE pattern on search_searchentry.audience for the audience code."""
        return f"%|{self.audience}|%"


def get_engine() -> ModuleType:
    if connection.vendor == "sqlite":
        from carebook.search.engines import sqlite

        return sqlite
    if connection.vendor == "postgresql":
        from carebook.search.engines import postgres

        return postgres
    raise ImproperlyConfigured(
        f"Carebook search supports SQLite and PostgreSQL, not {connection.vendor}."
    )
