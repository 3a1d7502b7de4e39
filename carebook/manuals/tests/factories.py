"""Builders for manuals in tests. Publishing goes through Wagtail, so the real receiver runs."""

import uuid

from carebook.manuals.models import Chapter, GlossaryTerm, Manual, Procedure


def make_manual(
    organisation, *, title="Test manual", slug="test-manual", visibility="public", glossary=()
):
    manual = Manual(title=title, slug=slug, visibility=visibility, summary="For tests.")
    for term, abbreviations, definition in glossary:
        manual.glossary_terms.add(
            GlossaryTerm(term=term, abbreviations=abbreviations, definition=definition)
        )
    organisation.home_page.add_child(instance=manual)
    manual.save_revision().publish()
    return manual


def make_chapter(manual, *, title="Test chapter", slug="test-chapter"):
    chapter = Chapter(title=title, slug=slug)
    manual.add_child(instance=chapter)
    chapter.save_revision().publish()
    return chapter


def section(heading, html, section_id=None):
    return {
        "type": "section",
        "id": section_id or str(uuid.uuid4()),
        "value": {"heading": heading, "content": html},
    }


def make_procedure(
    chapter,
    *,
    title="Test procedure",
    slug=None,
    sections=None,
    publish=True,
    note="First published.",
    significance="significant",
    **fields,
):
    page = Procedure(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        summary=fields.pop("summary", f"What {title} is for."),
        body=sections or [section("Purpose", "<p>Why this procedure exists.</p>")],
        amendment_note=note,
        significance=significance,
        live=False,
        **fields,
    )
    chapter.add_child(instance=page)
    if publish:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def republish(page, *, note, significance="significant", user=None, **changes):
    page = Procedure.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.amendment_note = note
    page.significance = significance
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page
