"""Writes for self-audit. Loading a framework file is atomic: written whole or not at all."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .framework_file import (
    MAX_FILE_BYTES,
    FrameworkFile,
    FrameworkFileError,
    parse_framework_file,
    refuse,
    too_large_message,
)
from .models import Framework, FrameworkVersion, Item, LevelDescriptor, ScaleLevel, Section
from .selectors import framework_version_in_use

CREATED, REPLACED, UNCHANGED, CHECKED = "created", "replaced", "unchanged", "checked"


@dataclass(frozen=True)
class LoadResult:
    outcome: str  # created, replaced, unchanged or checked
    ref: str
    version: str
    name: str
    framework_version: FrameworkVersion | None = None

    @property
    def message(self) -> str:
        what = f"{self.name} ({self.ref}, version {self.version})"
        return {
            CREATED: f"Loaded {what}.",
            REPLACED: f"Replaced {what} with the new content (no audit used it).",
            UNCHANGED: f"{what} is already loaded with the same content: nothing changed.",
            CHECKED: f"{what} is a valid framework file (checked only: nothing written).",
        }[self.outcome]


def load_framework(
    *, data: bytes, source_name: str = "", user=None, check_only: bool = False
) -> LoadResult:
    """Check a framework file and, unless `check_only`, write its framework version.

    The same (ref, version) again: identical data changes nothing; different data replaces the
    version, or is refused once an audit uses it. Raises FrameworkFileError with every problem.
    """
    checked = parse_framework_file(data)
    document = checked.document
    if check_only:
        return LoadResult(CHECKED, checked.ref, checked.version, document["name"])
    with transaction.atomic():
        framework = Framework.objects.select_for_update().filter(ref=checked.ref).first()
        existing = (
            FrameworkVersion.objects.filter(framework=framework, version=checked.version).first()
            if framework is not None
            else None
        )
        if existing is not None and existing.content_digest == checked.digest:
            return LoadResult(UNCHANGED, checked.ref, checked.version, document["name"], existing)
        if existing is not None and framework_version_in_use(existing):
            raise refuse(
                f"“{checked.version}” of {checked.ref} is already used by an audit, so it cannot "
                "change: give the new content a new version",
                place="version",
            )
        if framework is None:
            framework = Framework.objects.create(ref=checked.ref, name=document["name"])
        else:
            framework.name = document["name"]
            framework.save(update_fields=["name"])
        if existing is not None:
            existing.delete()
        version = _write_version(framework, checked, source_name=source_name, user=user)
    outcome = REPLACED if existing is not None else CREATED
    return LoadResult(outcome, checked.ref, checked.version, document["name"], version)


def _write_version(
    framework: Framework, checked: FrameworkFile, *, source_name: str, user
) -> FrameworkVersion:
    document = checked.document
    source = document.get("source", {})
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=checked.version,
        name=document["name"],
        description=document.get("description", ""),
        publisher=document.get("publisher", ""),
        source_title=source.get("title", ""),
        source_year=source.get("year"),
        source_url=source.get("url", ""),
        licence=document.get("licence", ""),
        allow_not_applicable=document.get("allow_not_applicable", True),
        document=document,
        content_digest=checked.digest,
        source_name=source_name,
        loaded_at=timezone.now(),
        loaded_by=user if user is not None and user.is_authenticated else None,
    )
    levels = ScaleLevel.objects.bulk_create(
        ScaleLevel(
            framework_version=version,
            value=level["value"],
            label=level["label"],
            description=level.get("description", ""),
            colour=level.get("colour", ""),
        )
        for level in document["scale"]
    )
    level_by_value = {str(level.value): level for level in levels}
    sections = Section.objects.bulk_create(
        Section(
            framework_version=version,
            ref=section["ref"],
            name=section["name"],
            description=section.get("description", ""),
            position=position,
        )
        for position, section in enumerate(document["sections"])
    )
    items, descriptors = [], []
    for section, data in zip(sections, document["sections"], strict=True):
        for item in data["items"]:
            items.append(
                Item(
                    framework_version=version,
                    section=section,
                    ref=item["ref"],
                    statement=item["statement"],
                    assessable=item.get("assessable", True),
                    guidance=item.get("guidance", ""),
                    evidence_prompts=item.get("evidence_prompts", []),
                    tags=item.get("tags", []),
                    position=len(items),
                )
            )
            descriptors.append(item.get("level_descriptors", {}))
    Item.objects.bulk_create(items)
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(item=item, level=level_by_value[value], description=text)
        for item, texts in zip(items, descriptors, strict=True)
        for value, text in texts.items()
    )
    return version


def read_framework_path(path: Path) -> bytes:
    """A file's bytes, its size checked before anything is read or parsed."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise refuse(f"{path} is a folder, not a framework file.")
        if size > MAX_FILE_BYTES:
            raise refuse(too_large_message(size))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise refuse(f"There is no file at {path}.") from None
    except PermissionError:
        raise refuse(f"The file {path} cannot be read (permission denied).") from None
    except OSError as error:
        raise refuse(f"The file {path} cannot be read ({error.strerror or error}).") from None
    if len(data) > MAX_FILE_BYTES:
        raise refuse(too_large_message(len(data)))
    return data


def builtin_framework_paths() -> list[Path]:
    return sorted(Path(settings.CAREBOOK_FRAMEWORKS_DIR).glob("*.yaml"))


def load_builtin_frameworks(*, user=None) -> list[LoadResult]:
    """Load every file in frameworks/; each is loaded or refused on its own."""
    results = []
    for path in builtin_framework_paths():
        results.append(
            load_framework(data=read_framework_path(path), source_name=path.name, user=user)
        )
    return results


__all__ = ["FrameworkFileError", "LoadResult", "load_builtin_frameworks", "load_framework"]
