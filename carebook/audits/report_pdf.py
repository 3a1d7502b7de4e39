"""The board report's PDF, built in the background and kept until the report changes.

A large audit's PDF takes WeasyPrint a long time (about 18 s for 150 participants and 90 pages),
too long for a request behind a real web server. So it is made as the whole-manual PDF is
(carebook/manuals/pdf.py): a `ReportPdf` row per audit and *fingerprint*, a django-tasks task
(carebook/audits/tasks.py) that builds it, and a "being prepared" page meanwhile.

The fingerprint is a digest of the HTML that WeasyPrint would be given: building the report
and rendering that HTML takes a fixed number of queries and a fraction of a second, while the
PDF takes the time. So any change to what the report shows (a response, a moderated rating, an
action, a participant, the audit's status, an organisation's name, the day it says it was made
on, the template itself) changes the fingerprint, whichever way it was made, and a stale PDF is
never served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from carebook.core.built_files import (
    record_failure,
    record_success,
    stored_path,
    write_private,
)

from . import exports
from .models import Audit, ReportPdf, ReportPdfStatus
from .reports import build_report

logger = logging.getLogger(__name__)

# A build still "building" after this long is taken to have died with its worker.
BUILD_TIMEOUT = dt.timedelta(minutes=15)
FOLDER = "report-pdfs"


def report_html(audit: Audit, *, today: dt.date | None = None) -> str:
    return exports.board_report_pdf_html(build_report(audit=audit, today=today), today=today)


def fingerprint_of(html: str) -> str:
    from carebook.manuals.pdf import WEASYPRINT_OPTIONS

    options = json.dumps(WEASYPRINT_OPTIONS, sort_keys=True).encode()
    return hashlib.sha256(options + b"\0" + html.encode()).hexdigest()


def report_fingerprint(audit: Audit, *, today: dt.date | None = None) -> str:
    """A digest of everything the board report's PDF shows (see the module's docstring)."""
    return fingerprint_of(report_html(audit, today=today))


# Files


def _store(record: ReportPdf, data: bytes) -> str:
    relative = Path(FOLDER) / str(record.audit_id) / f"{record.fingerprint}.pdf"
    return write_private(relative, data)


def _discard(records) -> None:
    for old in records:
        path = stored_path(old)
        old.delete()
        if path is not None:
            path.unlink(missing_ok=True)


def _discard_older(record: ReportPdf) -> None:
    """Other builds of the same audit are out of date once this one is ready."""
    _discard(
        ReportPdf.objects.filter(audit_id=record.audit_id)
        .exclude(pk=record.pk)
        .exclude(status=ReportPdfStatus.BUILDING)
    )


# Building (the background task)


def build_report_pdf(*, record_id: int) -> ReportPdf | None:
    """Build the PDF of a ReportPdf row in status "building" (run by the background task).

    The report is read again here: if it has changed since the row was made (someone saved a
    rating meanwhile), the row is out of date and is deleted rather than built, and the next
    request starts a build of the report as it is now. Any error is recorded on the row
    (status "failed") for administrators; readers see a plain failure page with a retry link.
    """
    record = ReportPdf.objects.select_related("audit").filter(pk=record_id).first()
    if record is None or record.status != ReportPdfStatus.BUILDING:
        return record
    started = timezone.now()
    try:
        audit = Audit.objects.select_related(
            "lead_organisation", "framework_version__framework", "previous"
        ).get(pk=record.audit_id)
        html = report_html(audit)
        if fingerprint_of(html) != record.fingerprint:
            logger.info("The report of audit %s changed before its PDF was built", audit.pk)
            ReportPdf.objects.filter(pk=record.pk, status=ReportPdfStatus.BUILDING).delete()
            return None
        built = exports.board_report_pdf(html)
        file_path = _store(record, built.data)
    except Exception as error:
        logger.exception("Building the board report PDF of audit %s failed", record.audit_id)
        return record_failure(record, error)
    record = record_success(
        record, file_path=file_path, size=len(built.data), page_count=built.page_count
    )
    logger.info(
        "Built the board report PDF of audit %s: %s pages, %s bytes in %.1f s",
        record.audit_id,
        built.page_count,
        len(built.data),
        (record.built_at - started).total_seconds(),
    )
    _discard_older(record)
    return record


# Asking for it (the view)


def _enqueue(record: ReportPdf) -> ReportPdf | None:
    from .tasks import build_report_pdf_task

    build_report_pdf_task.enqueue(record_id=record.pk)
    # With the ImmediateBackend the build has run: the row is ready, failed, or gone (the
    # report changed meanwhile).
    return ReportPdf.objects.filter(pk=record.pk).first()


def _claim(record: ReportPdf, *, from_status: str) -> bool:
    """Move a row back to "building"; only one of several concurrent requests wins."""
    claimed = ReportPdf.objects.filter(pk=record.pk, status=from_status).update(
        status=ReportPdfStatus.BUILDING,
        started_at=timezone.now(),
        error="",
        attempts=record.attempts + 1,
    )
    return bool(claimed)


def request_report_pdf(*, audit: Audit, retry: bool = False) -> ReportPdf | None:
    """The cached PDF of `audit`'s board report as it is now, starting a build if there is none.

    A new fingerprint creates a row in status "building" and enqueues the build; with the
    ImmediateBackend (tests, `make run`) the build has finished when this returns. A failed
    build is tried again only when `retry` is asked for. None: the report changed while it was
    being built, and the next request starts again.
    """
    fingerprint = report_fingerprint(audit)
    try:
        with transaction.atomic():
            record, created = ReportPdf.objects.get_or_create(audit=audit, fingerprint=fingerprint)
    except IntegrityError:
        # Another request created it between our look and our insert.
        record, created = ReportPdf.objects.get(audit=audit, fingerprint=fingerprint), False
    if created:
        return _enqueue(record)
    if record.status == ReportPdfStatus.BUILDING and timezone.now() - record.started_at > (
        BUILD_TIMEOUT
    ):
        ReportPdf.objects.filter(pk=record.pk, status=ReportPdfStatus.BUILDING).update(
            status=ReportPdfStatus.FAILED, error="The build did not finish in time."
        )
        record.refresh_from_db()
    if record.status == ReportPdfStatus.FAILED and retry:
        if _claim(record, from_status=ReportPdfStatus.FAILED):
            return _enqueue(record)
        record.refresh_from_db()
    if record.status == ReportPdfStatus.READY and stored_path(record) is None:
        # The file went missing (a cleaned disk, a new server): make it again.
        if _claim(record, from_status=ReportPdfStatus.READY):
            return _enqueue(record)
        record.refresh_from_db()
    return record
