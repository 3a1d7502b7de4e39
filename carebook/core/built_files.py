"""Files built in the background and kept privately: the whole-manual PDF and the board
report PDF.

Each kind has its own model (a row per build, with `status`, `file_path`, `size`,
`page_count`, `built_at` and `error`) and its own rules for when a build is out of date; what
they share is here: where the files live, writing one so that no reader ever gets half of it,
and recording how a build ended.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

# The statuses every such model uses (its own TextChoices hold the same values).
BUILDING = "building"
READY = "ready"
FAILED = "failed"
ERROR_LENGTH = 4000


def private_root() -> Path:
    """Outside the media root: only views that check permission hand these files out."""
    return Path(settings.CAREBOOK_PRIVATE_ROOT)


def stored_path(record: models.Model) -> Path | None:
    """The file of a build, if it has one and it is still on disk."""
    if not record.file_path:
        return None
    path = private_root() / record.file_path
    return path if path.is_file() else None


def write_private(relative: Path, data: bytes) -> str:
    """Write `data` under the private root, beside the target then renamed into place."""
    target = private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return str(relative)


def record_failure(record: models.Model, error: BaseException) -> models.Model:
    """A build that raised: the error is kept on the row for administrators."""
    type(record).objects.filter(pk=record.pk, status=BUILDING).update(
        status=FAILED, error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH], built_at=None
    )
    record.refresh_from_db()
    return record


def record_success(
    record: models.Model, *, file_path: str, size: int, page_count: int
) -> models.Model:
    type(record).objects.filter(pk=record.pk).update(
        status=READY,
        file_path=file_path,
        size=size,
        page_count=page_count,
        built_at=timezone.now(),
        error="",
    )
    record.refresh_from_db()
    return record
