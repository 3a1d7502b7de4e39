"""Index entries for tests, with defaults for everything a test does not care about."""

from datetime import UTC, datetime
from itertools import count

from carebook.search.services import IndexEntry

_ids = count(1)


def entry(**overrides) -> IndexEntry:
    procedure_id = overrides.pop("procedure_id", next(_ids))
    values = {
        "organisation_id": 1,
        "manual_id": 10,
        "procedure_id": procedure_id,
        "chapter_id": None,
        "chapter_title": "",
        "title": f"Procedure {procedure_id}",
        "summary": "",
        "keywords": [],
        "audience": ["childrens-social-work"],
        "body_text": "",
        "url": f"/northshire/csc/general/procedure-{procedure_id}/",
        "published_at": datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    }
    values.update(overrides)
    return IndexEntry(**values)
