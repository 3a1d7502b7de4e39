"""Demo manuals: the national library's base manual, from YAML files in demo/.

Creates what is missing and never overwrites: a procedure that already exists is left alone.
Versions are published with their historical dates, so history, redlines, "as it stood on"
and What's new have something real to show.
"""

import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.utils.text import slugify

from carebook.organisations.models import Organisation

from .models import Chapter, GlossaryTerm, Manual, Procedure, RelatedProcedure
from .services import publish_procedure_version
from .signals import receivers_paused

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# Section ids are derived from the procedure slug and section key, so they are the same on
# every machine and stay stable across versions.
SECTION_NAMESPACE = uuid.UUID("6b0f3c1e-2a5d-4c1b-9a57-0c3f5d2e8a11")
LONDON = ZoneInfo("Europe/London")
PUBLISHED_HOUR = dt.time(9, 30)


def section_id(procedure_slug: str, key: str) -> str:
    return str(uuid.uuid5(SECTION_NAMESPACE, f"{procedure_slug}/{key}"))


def read_yaml(name: str) -> dict:
    with open(DEMO_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def body_from_sections(procedure_slug: str, sections: list[dict]) -> list[dict]:
    return [
        {
            "type": "section",
            "id": section_id(procedure_slug, section["key"]),
            "value": {"heading": section["heading"], "content": section["body"].strip()},
        }
        for section in sections
    ]


def _apply_version(page: Procedure, spec: dict, version: dict) -> None:
    page.title = spec["title"]
    page.summary = spec.get("summary", "")
    page.body = body_from_sections(spec["slug"], version["sections"])
    page.scope = (spec.get("scope") or "").strip()
    page.keywords = ", ".join(spec.get("keywords", []))
    page.audience = list(spec.get("audience", []))
    page.owner_role = spec.get("owner", "")
    review = spec.get("review_date")
    page.review_date = review if isinstance(review, dt.date) else None
    page.requires_acknowledgement = bool(spec.get("requires_acknowledgement", False))
    page.legislation = [
        {"type": "link", "value": {"title": link["title"], "url": link["url"]}}
        for link in spec.get("legislation", [])
    ]
    page.amendment_note = version["amendment_note"]
    page.significance = version.get("significance", "significant")


def _published_at(version: dict) -> dt.datetime:
    day = version["published"]
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, PUBLISHED_HOUR, tzinfo=LONDON)


def publish_history(page: Procedure, spec: dict) -> None:
    """Publish each version of `spec` in turn, dated as the file says."""
    for version in spec["versions"]:
        _apply_version(page, spec, version)
        revision = page.save_revision(log_action=False)
        published_at = _published_at(version)
        with receivers_paused():
            revision.publish(log_action=False, skip_permission_checks=True)
        page.refresh_from_db()
        publish_procedure_version(procedure=page, revision=revision, published_at=published_at)
    first = _published_at(spec["versions"][0])
    last = _published_at(spec["versions"][-1])
    Procedure.objects.filter(pk=page.pk).update(first_published_at=first, last_published_at=last)


def load_manual(*, organisation: Organisation, data: dict, glossary: list[dict], log) -> Manual:
    home = organisation.home_page
    spec = data["manual"]
    manual = Manual.objects.child_of(home).filter(slug=spec["slug"]).first()
    if manual is None:
        manual = Manual(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec.get("summary", ""),
            jurisdiction=spec.get("jurisdiction", "england"),
            visibility=spec.get("visibility", "public"),
        )
        for term in glossary:
            manual.glossary_terms.add(
                GlossaryTerm(
                    term=term["term"],
                    abbreviations=", ".join(term.get("abbreviations", [])),
                    definition=term["definition"],
                )
            )
        home.add_child(instance=manual)
        manual.save_revision(log_action=False).publish(log_action=False)
        log(f"Created manual {manual.title} ({manual.url})")

    new_procedures: list[tuple[Procedure, dict]] = []
    pages_by_slug: dict[str, Procedure] = {}
    for chapter_spec in data["chapters"]:
        chapter = Chapter.objects.child_of(manual).filter(slug=chapter_spec["slug"]).first()
        if chapter is None:
            chapter = Chapter(
                title=chapter_spec["title"],
                slug=chapter_spec["slug"],
                summary=chapter_spec.get("summary", ""),
            )
            manual.add_child(instance=chapter)
            chapter.save_revision(log_action=False).publish(log_action=False)
        for procedure_spec in chapter_spec["procedures"]:
            slug = procedure_spec.get("slug") or slugify(procedure_spec["title"])
            procedure_spec["slug"] = slug
            page = Procedure.objects.child_of(chapter).filter(slug=slug).first()
            if page is None:
                page = Procedure(title=procedure_spec["title"], slug=slug, live=False)
                _apply_version(page, procedure_spec, procedure_spec["versions"][0])
                chapter.add_child(instance=page)
                new_procedures.append((page, procedure_spec))
            pages_by_slug[slug] = page

    for page, spec in new_procedures:
        for order, slug in enumerate(spec.get("related", [])):
            if slug in pages_by_slug:
                RelatedProcedure.objects.create(
                    procedure=page, target=pages_by_slug[slug], sort_order=order
                )
        page.refresh_from_db()
        publish_history(page, spec)
        log(f"Published {page.title} ({len(spec['versions'])} versions)")
    return manual


def load(log) -> None:
    publisher = Organisation.objects.get(slug="national-library")
    load_manual(
        organisation=publisher,
        data=read_yaml("base_manual.yaml"),
        glossary=read_yaml("glossary.yaml")["terms"],
        log=log,
    )
