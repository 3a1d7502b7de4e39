"""The pdf/ routes of procedures and manuals.

They are routes of the pages themselves (Procedure.pdf, Manual.pdf), so the staff-only rule of
the `before_serve_page` hook applies to them as to every other page route. The files are only
ever handed out here, never from a public address.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from carebook.changes.asat import AsAtError, parse_as_at, version_as_at

from .models import Manual, Procedure
from .pdf import (
    manual_pdf_filename,
    procedure_pdf,
    procedure_pdf_filename,
    request_manual_pdf,
    stored_path,
)
from .pdf_models import ManualPdfStatus
from .selectors import latest_version, manual_of
from .views import _brand, breadcrumbs_for


def _cache_control(response: HttpResponse, manual: Manual) -> HttpResponse:
    # A printed copy carries the day it was made: shared caches may keep a public one briefly.
    response["Cache-Control"] = "private" if manual.is_staff_only else "public, max-age=300"
    return response


def _pdf_response(data_or_file, *, filename: str, manual: Manual) -> HttpResponse:
    if isinstance(data_or_file, bytes):
        response = HttpResponse(data_or_file, content_type="application/pdf")
    else:
        response = FileResponse(data_or_file, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_control(response, manual)


def _error_page(request, procedure: Procedure, *, message: str, status: int, **extra):
    return render(
        request,
        "manuals/as_at_error.html",
        {
            "page": procedure,
            "message": message,
            "status": status,
            "breadcrumbs": breadcrumbs_for(procedure, current=False),
            **extra,
        },
        status=status,
    )


def procedure_pdf_view(request: HttpRequest, *, procedure: Procedure) -> HttpResponse:
    """The current version (or, with ?as_at=, the one live that day) as a stamped PDF."""
    manual = manual_of(procedure)
    as_at = None
    as_at_value = request.GET.get("as_at")
    if as_at_value is not None:
        try:
            as_at = parse_as_at(as_at_value)
            version = version_as_at(procedure, as_at)
        except AsAtError as error:
            _brand(request, manual)
            return _error_page(request, procedure, message=error.message, status=error.status)
    else:
        withdrawal = None if procedure.live else procedure.current_withdrawal
        if withdrawal is not None:
            _brand(request, manual)
            when = date_format(timezone.localtime(withdrawal.withdrawn_at), "j F Y")
            return _error_page(
                request,
                procedure,
                message=f"“{procedure.title}” was withdrawn on {when} and should no longer be "
                "followed, so there is no PDF of it. Its history is kept for case reviews.",
                status=404,
                withdrawn=True,
            )
        version = latest_version(procedure)
        if version is None or not procedure.live:
            raise Http404("This procedure has not been published.")
    built = procedure_pdf(procedure=procedure, version=version, request=request, as_at=as_at)
    response = _pdf_response(
        built.data, filename=procedure_pdf_filename(procedure, version), manual=manual
    )
    if as_at is not None:
        response["X-Robots-Tag"] = "noindex"
    return response


def manual_pdf_view(request: HttpRequest, *, manual: Manual) -> HttpResponse:
    """The whole manual as one PDF: served when built, else "being prepared" or "failed"."""
    record = request_manual_pdf(manual=manual, retry=request.GET.get("retry") == "1")
    path = stored_path(record) if record.status == ManualPdfStatus.READY else None
    if path is not None:
        return _pdf_response(path.open("rb"), filename=manual_pdf_filename(manual), manual=manual)
    organisation = _brand(request, manual)
    failed = record.status == ManualPdfStatus.FAILED
    response = render(
        request,
        "manuals/pdf_status.html",
        {
            "page": manual,
            "manual": manual,
            "organisation": organisation,
            "failed": failed,
            "breadcrumbs": breadcrumbs_for(manual, current=False) + [{"text": "PDF"}],
        },
        status=500 if failed else 202,
    )
    response["Cache-Control"] = "no-store"
    return response
