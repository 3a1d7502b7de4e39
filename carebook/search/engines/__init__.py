"""The engine behind the search layer, chosen by the database in use.

Each engine module provides the same functions:

- `refresh(cursor, *, organisation_id, entry_ids)`: (re)build the engine's index for rows of
  `search_searchentry` that have just been written;
- `forget(cursor, *, organisation_id, entry_ids)`: drop the engine's index for rows about to be
  deleted;
- `rank(cursor, *, match, filters, limit, offset)`: the ids and scores of one page of hits,
  best first, and the total number of hits;
- `snippets(cursor, *, match, organisation_id, entry_ids)`: for each id, a body and a summary
  excerpt with matches between `MARK_START` and `MARK_END`.
"""

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


@dataclass(frozen=True)
class Filters:
    organisation_id: int
    manual_ids: tuple[int, ...]
    chapter_id: int | None = None
    audience: str | None = None

    def where(self, *, alias: str, array_parameter: bool) -> tuple[str, list[object]]:
        """SQL conditions on search_searchentry (as `alias`) and their parameters."""
        conditions = [f"{alias}.organisation_id = %s"]
        parameters: list[object] = [self.organisation_id]
        if array_parameter:
            conditions.append(f"{alias}.manual_id = ANY(%s)")
            parameters.append(list(self.manual_ids))
        else:
            conditions.append(f"{alias}.manual_id IN ({', '.join(['%s'] * len(self.manual_ids))})")
            parameters.extend(self.manual_ids)
        if self.chapter_id is not None:
            conditions.append(f"{alias}.chapter_id = %s")
            parameters.append(self.chapter_id)
        if self.audience is not None:
            conditions.append(f"{alias}.audience LIKE %s")
            parameters.append(f"%|{self.audience}|%")
        return " AND ".join(conditions), parameters


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
