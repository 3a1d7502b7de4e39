"""PDF copies of procedures and of whole manuals, made with WeasyPrint.

Both come from `render_procedure` (the one render path), through templates of their own in
templates/manuals/pdf/ and one stylesheet (templates/manuals/pdf/style.css). Every page is
stamped in its margins with the organisation, the procedure, its version and publication date,
and the day the copy was made, with a reminder to check the online version.

A procedure's PDF is small and made while the reader waits. A whole manual's PDF is made by a
background task (carebook/manuals/tasks.py) and kept, under CAREBOOK_PRIVATE_ROOT, until the
manual's *fingerprint* changes: see `manual_fingerprint`.
"""

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from carebook.core.built_files import (
    record_failure,
    record_success,
    stored_path,
    write_private,
)

from .fields import AUDIENCE_LABELS
from .models import Manual, Procedure, ProcedureVersion, ProcedureWithdrawal
from .pdf_models import ManualPdf, ManualPdfStatus
from .rendering import render_procedure
from .selectors import chapters_of, glossary_for, manual_of, organisation_of, render_inputs

logger = logging.getLogger(__name__)

# Bump when the templates or stylesheet change, so that cached manual PDFs are made again.
PDF_LAYOUT_VERSION = "1"
# A build still "building" after this long is taken to have died with its worker.
BUILD_TIMEOUT = dt.timedelta(minutes=15)
LANGUAGE = "en-GB"
CHECK_ONLINE = "check the online version before relying on a printed copy"

# WeasyPrint options: a tagged PDF (structure tree, reading order, /Lang) that declares PDF/UA-1.
# See docs/features/pdf.md for what this covers and what it does not.
WEASYPRINT_OPTIONS = {"pdf_tags": True, "pdf_variant": "pdf/ua-1"}


def long_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def version_stamp(version: ProcedureVersion) -> str:
    return f"Version {version.number}, published {long_date(version.published_at)}"


def printed_on_stamp(day: dt.date) -> str:
    return f"Printed on {long_date(day)} — {CHECK_ONLINE}"


def css_string(value: str) -> str:
    """A CSS string literal holding `value`, safe inside a <style> element."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return '"' + escaped.replace("<", "\\3C ").replace(">", "\\3E ") + '"'


_RELATIVE_HREF = re.compile(r'(<a\b[^>]*?\bhref=")(/(?!/)[^"]*)"')
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def absolute_links(fragment: str, root_url: str) -> str:
    """Site-relative links (/org/manual/...) made absolute, so that print shows where they go."""
    return _RELATIVE_HREF.sub(lambda m: f'{m.group(1)}{root_url}{m.group(2)}"', fragment)


def shift_headings(fragment: str, by: int) -> str:
    """Headings inside section text moved down `by` levels, to nest under the section heading."""
    if not by:
        return fragment
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + by, 6)}", fragment)


def site_root_url(page) -> str:
    site = page.get_site()
    if site is not None:
        return site.root_url
    return str(getattr(settings, "WAGTAILADMIN_BASE_URL", "")).rstrip("/")


def full_url(page, request=None) -> str:
    return page.get_full_url(request) or ""


@dataclass(frozen=True)
class HeadingLevels:
    """Heading levels of one procedure's parts: 1/2 on its own, 3/4 inside a whole manual."""

    title: int
    section: int

    @property
    def content_shift(self) -> int:
        # Section text may hold h3 and h4 (rich text); they nest under the section heading.
        return self.section - 2


STANDALONE = HeadingLevels(title=1, section=2)
IN_MANUAL = HeadingLevels(title=3, section=4)


def procedure_context(
    *,
    procedure: Procedure,
    version: ProcedureVersion,
    organisation,
    levels: HeadingLevels,
    id_prefix: str = "",
    request=None,
    as_at: dt.date | None = None,
    amendments: list | None = None,
) -> dict:
    """Everything one procedure's part of a PDF shows, from the one render path.

    No glossary links: on paper they would only add addresses; the whole manual ends with
    its glossary instead.
    """
    inputs = render_inputs(version)
    rendered = render_procedure(
        version=inputs.version,
        amendments=inputs.amendments if amendments is None else amendments,
        organisation=organisation,
        national=inputs.national,
    )
    root = site_root_url(procedure)
    sections = [
        {
            "section": section,
            "id": f"{id_prefix}{section.anchor}",
            "html": shift_headings(absolute_links(section.html, root), levels.content_shift),
        }
        for section in rendered.sections
    ]
    related_pages = Procedure.objects.live().filter(pk__in=version.related_ids).order_by("title")
    today = timezone.localdate()
    return {
        "procedure": procedure,
        "chapter": procedure.get_parent(),
        "version": version,
        "rendered": rendered,
        "sections": sections,
        "scope_html": absolute_links(rendered.scope_html, root),
        "audience_labels": [AUDIENCE_LABELS.get(code, code) for code in version.audience],
        "related": [{"title": p.title, "url": full_url(p, request)} for p in related_pages],
        "legislation": version.legislation,
        "online_url": full_url(procedure, request),
        "stamp": version_stamp(version),
        "published": long_date(version.published_at),
        "review_overdue": bool(version.review_date and version.review_date < today and not as_at),
        "as_at": as_at,
        "levels": levels,
        "id_prefix": id_prefix,
    }


def document_context(*, organisation, title: str, today: dt.date) -> dict:
    header = organisation.name
    if organisation.is_demo:
        header += " · Demo content — not for practice"
    return {
        "organisation": organisation,
        "document_title": title,
        "language": LANGUAGE,
        "printed_on": long_date(today),
        "printed_on_stamp": printed_on_stamp(today),
        "css_header": css_string(header),
        "css_printed_on": css_string(printed_on_stamp(today)),
    }


@dataclass(frozen=True)
class BuiltPdf:
    data: bytes
    page_count: int


def write_pdf(html: str, *, base_url: str) -> BuiltPdf:
    # Imported here: WeasyPrint loads Pango and fonts, which only PDF requests need.
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render(**WEASYPRINT_OPTIONS)
    return BuiltPdf(data=document.write_pdf(**WEASYPRINT_OPTIONS), page_count=len(document.pages))


# Procedure PDFs


def procedure_pdf(
    *,
    procedure: Procedure,
    version: ProcedureVersion,
    request=None,
    as_at: dt.date | None = None,
    amendments: list | None = None,
) -> BuiltPdf:
    """One procedure version (with any local amendments) as a stamped, tagged PDF."""
    manual = manual_of(procedure)
    organisation = organisation_of(manual)
    today = timezone.localdate()
    context = document_context(organisation=organisation, title=version.title, today=today)
    context.update(
        manual=manual,
        item=procedure_context(
            procedure=procedure,
            version=version,
            organisation=organisation,
            levels=STANDALONE,
            request=request,
            as_at=as_at,
            amendments=amendments,
        ),
    )
    html = render_to_string("manuals/pdf/procedure.html", context)
    return write_pdf(html, base_url=site_root_url(procedure) + "/")


def procedure_pdf_filename(procedure: Procedure, version: ProcedureVersion) -> str:
    return f"{procedure.slug}-v{version.number}.pdf"


# Whole-manual PDFs


def _live_procedures(manual: Manual) -> list[Procedure]:
    return list(
        Procedure.objects.live().descendant_of(manual).filter(hidden_locally=False).order_by("path")
    )


def _latest_versions(procedures: list[Procedure]) -> dict[int, ProcedureVersion]:
    latest: dict[int, ProcedureVersion] = {}
    for version in ProcedureVersion.objects.filter(procedure__in=procedures).order_by(
        "procedure_id", "number"
    ):
        latest[version.procedure_id] = version
    return latest


def manual_fingerprint(manual: Manual, *, today: dt.date | None = None) -> str:
    """A digest of everything that changes the whole-manual PDF.

    The layout version, the day (the PDF says when it was printed), the organisation's name
    and demo mark, the manual's title, summary, settings and live revision, each live chapter
    (position, title, summary, live revision), each live procedure (position and latest version
    id), the titles and addresses of the procedures they point to, current withdrawals and the
    glossary. Anything else (a draft, a reader's visit) leaves it alone.
    """
    today = today or timezone.localdate()
    organisation = organisation_of(manual)
    procedures = _live_procedures(manual)
    latest = _latest_versions(procedures)
    related_ids = sorted({pk for v in latest.values() for pk in v.related_ids})
    related = list(
        Procedure.objects.live()
        .filter(pk__in=related_ids)
        .order_by("pk")
        .values_list("pk", "title", "url_path")
    )
    withdrawals = list(
        ProcedureWithdrawal.objects.filter(
            procedure__in=Procedure.objects.descendant_of(manual), reinstated_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "procedure_id")
    )
    data = {
        "layout": PDF_LAYOUT_VERSION,
        "day": today.isoformat(),
        "organisation": [organisation.pk, organisation.name, organisation.is_demo],
        "manual": [
            manual.pk,
            manual.title,
            manual.summary,
            manual.visibility,
            manual.jurisdiction,
            manual.url_path,
            manual.live_revision_id,
        ],
        "chapters": [
            [c.pk, c.path, c.title, c.summary, c.slug, c.live_revision_id]
            for c in chapters_of(manual)
        ],
        "procedures": [
            [p.pk, p.path, p.slug, latest[p.pk].pk if p.pk in latest else None] for p in procedures
        ],
        "related": related,
        "withdrawals": withdrawals,
        "glossary": [
            [entry.term, entry.abbreviations, entry.definition] for entry in glossary_for(manual)
        ],
    }
    encoded = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def manual_pdf_document(manual: Manual) -> BuiltPdf:
    """The whole manual: title page, contents, then each chapter and its live procedures."""
    organisation = organisation_of(manual)
    today = timezone.localdate()
    procedures = _live_procedures(manual)
    latest = _latest_versions(procedures)
    chapters = []
    for chapter in chapters_of(manual):
        items = [
            procedure_context(
                procedure=procedure,
                version=latest[procedure.pk],
                organisation=organisation,
                levels=IN_MANUAL,
                id_prefix=f"p{procedure.pk}-",
            )
            for procedure in procedures
            if procedure.path.startswith(chapter.path)
            and procedure.depth == chapter.depth + 1
            and procedure.pk in latest
        ]
        chapters.append({"page": chapter, "id": f"c{chapter.pk}", "items": items})
    context = document_context(organisation=organisation, title=manual.title, today=today)
    context.update(
        # Pages that are not a procedure's (contents, chapters, glossary) name the manual.
        css_running_version=css_string(manual.title),
        manual=manual,
        chapters=chapters,
        glossary=glossary_for(manual),
        online_url=full_url(manual),
        procedure_count=sum(len(chapter["items"]) for chapter in chapters),
    )
    html = render_to_string("manuals/pdf/manual.html", context)
    return write_pdf(html, base_url=site_root_url(manual) + "/")


def manual_pdf_filename(manual: Manual) -> str:
    return f"{organisation_of(manual).slug}-{manual.slug}.pdf"


# The cache of whole-manual PDFs


def _store(record: ManualPdf, data: bytes) -> str:
    return write_private(
        Path("manual-pdfs") / str(record.manual_id) / f"{record.fingerprint}.pdf", data
    )


def _discard_older(record: ManualPdf) -> None:
    """Other builds of the same manual are out of date once this one is ready."""
    older = ManualPdf.objects.filter(manual_id=record.manual_id).exclude(pk=record.pk)
    for old in older.exclude(status=ManualPdfStatus.BUILDING):
        path = stored_path(old)
        if path is not None and old.fingerprint != record.fingerprint:
            path.unlink(missing_ok=True)
        old.delete()


def build_manual_pdf(*, record_id: int) -> ManualPdf | None:
    """Build the PDF of a ManualPdf row in status "building" (run by the background task).

    Any error is recorded on the row (status "failed") for administrators; readers see a
    plain failure page with a retry link.
    """
    record = ManualPdf.objects.select_related("manual").filter(pk=record_id).first()
    if record is None or record.status != ManualPdfStatus.BUILDING:
        return record
    started = timezone.now()
    try:
        built = manual_pdf_document(record.manual)
        file_path = _store(record, built.data)
    except Exception as error:
        logger.exception("Building the PDF of manual %s failed", record.manual_id)
        return record_failure(record, error)
    record = record_success(
        record, file_path=file_path, size=len(built.data), page_count=built.page_count
    )
    logger.info(
        "Built the PDF of manual %s: %s pages, %s bytes in %.1f s",
        record.manual_id,
        built.page_count,
        len(built.data),
        (record.built_at - started).total_seconds(),
    )
    _discard_older(record)
    return record


def _enqueue(record: ManualPdf) -> ManualPdf:
    from .tasks import build_manual_pdf_task

    build_manual_pdf_task.enqueue(record_id=record.pk)
    record.refresh_from_db()
    return record


def _claim(record: ManualPdf, *, from_status: str) -> bool:
    """Move a row back to "building"; only one of several concurrent requests wins."""
    claimed = ManualPdf.objects.filter(pk=record.pk, status=from_status).update(
        status=ManualPdfStatus.BUILDING,
        started_at=timezone.now(),
        error="",
        attempts=record.attempts + 1,
    )
    return bool(claimed)


def request_manual_pdf(*, manual: Manual, retry: bool = False) -> ManualPdf:
    """The cached PDF of `manual` as it is now, starting a build if there is none.

    A new fingerprint creates a row in status "building" and enqueues the build; with the
    ImmediateBackend (tests, `make run`) the build has finished when this returns. A failed
    build is tried again only when `retry` is asked for.
    """
    fingerprint = manual_fingerprint(manual)
    try:
        with transaction.atomic():
            record, created = ManualPdf.objects.get_or_create(
                manual=manual, fingerprint=fingerprint
            )
    except IntegrityError:
        # Another request created it between our look and our insert.
        record, created = ManualPdf.objects.get(manual=manual, fingerprint=fingerprint), False
    if created:
        return _enqueue(record)
    if record.status == ManualPdfStatus.BUILDING and timezone.now() - record.started_at > (
        BUILD_TIMEOUT
    ):
        ManualPdf.objects.filter(pk=record.pk, status=ManualPdfStatus.BUILDING).update(
            status=ManualPdfStatus.FAILED, error="The build did not finish in time."
        )
        record.refresh_from_db()
    if record.status == ManualPdfStatus.FAILED and retry:
        if _claim(record, from_status=ManualPdfStatus.FAILED):
            return _enqueue(record)
        record.refresh_from_db()
    if record.status == ManualPdfStatus.READY and stored_path(record) is None:
        # The file went missing (a cleaned disk, a new server): make it again.
        if _claim(record, from_status=ManualPdfStatus.READY):
            return _enqueue(record)
        record.refresh_from_db()
    return record
