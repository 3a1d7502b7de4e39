"""Feeding the search index from what readers see (the one render function)."""

from .rendering import render_procedure


def index_procedure(*, procedure, version, manual, organisation) -> None:
    from carebook.search.services import IndexEntry, index_entry

    from .selectors import render_inputs

    inputs = render_inputs(version)
    rendered = render_procedure(
        version=inputs.version,
        amendments=inputs.amendments,
        organisation=organisation,
        national=inputs.national,
    )
    chapter = procedure.get_parent()
    index_entry(
        IndexEntry(
            organisation_id=organisation.pk,
            manual_id=manual.pk,
            procedure_id=procedure.pk,
            chapter_id=chapter.pk if chapter else None,
            chapter_title=chapter.title if chapter else "",
            title=version.title,
            summary=version.summary,
            keywords=list(version.keywords),
            audience=list(version.audience),
            body_text=rendered.text,
            url=procedure.url or "",
            published_at=version.published_at,
        )
    )


def unindex_procedure(*, procedure, manual) -> None:
    from carebook.search.services import remove_entry

    remove_entry(manual_id=manual.pk, procedure_id=procedure.pk)
