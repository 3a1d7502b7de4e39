"""The audit report: the dashboard, publishing it, and its exports, under /audits/<id>/report/.

The lead organisation's audit leads read it in any status; participants and leaders once it is
published (`selectors_reports`). Someone who may not know the audit exists gets 404; a
participant of an audit whose report is not yet published, or anyone but an audit lead
publishing, gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from carebook.core.demo import DEMO_MARK

from . import charts, exports
from .models import AuditStatus, ReportPdfStatus
from .report_pdf import request_report_pdf, stored_path
from .reports import PUBLISHED_STATUSES, build_report
from .selectors_audits import audits_visible_to
from .selectors_reports import leads_audit, report_audit
from .services_audits import AuditError
from .services_reports import PUBLISHABLE_STATUSES, close_audit, publish_report


def _readable_audit(request: HttpRequest, audit_id: int):
    audit, may_read = report_audit(user=request.user, audit_id=audit_id)
    if audit is None:
        raise Http404("No such audit.")
    if not may_read:
        raise PermissionDenied("The report of this audit has not been published yet.")
    request.organisation = audit.lead_organisation
    return audit


def _context(request: HttpRequest, audit) -> dict:
    report = build_report(audit=audit)
    is_lead = leads_audit(user=request.user, audit=audit)
    return {
        "audit": audit,
        "report": report,
        "is_lead": is_lead,
        "published": audit.status in PUBLISHED_STATUSES,
        "can_publish": is_lead and audit.status in PUBLISHABLE_STATUSES,
        "can_close": is_lead and audit.status == AuditStatus.REPORT_PUBLISHED,
        "is_demo": audit.lead_organisation.is_demo,
        "demo_mark": DEMO_MARK,
    }


def _crumbs(request: HttpRequest, audit) -> list[dict]:
    crumbs = [{"text": "Self-audit", "href": reverse("audit_cycles:home")}]
    if audits_visible_to(user=request.user).filter(pk=audit.pk).exists():
        crumbs.append({"text": audit.title, "href": reverse("audit_cycles:audit", args=[audit.pk])})
    return crumbs


@login_required
@require_safe
def dashboard(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _readable_audit(request, audit_id)
    context = _context(request, audit)
    report = context["report"]
    context.update(
        {
            "section_chart": charts.section_scores_chart(report),
            "spread_chart": charts.spread_chart(report),
            "breadcrumbs": [*_crumbs(request, audit), {"text": "Report"}],
        }
    )
    response = render(request, "audits/reports/dashboard.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def publish(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _readable_audit(request, audit_id)
    try:
        publish_report(user=request.user, audit=audit)
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The report is published: participants and leaders can now read it."
        )
    return redirect("audit_cycles:report", audit.pk)


@login_required
@require_POST
def close(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _readable_audit(request, audit_id)
    try:
        close_audit(user=request.user, audit=audit)
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The audit is closed. Its report stays readable; start the next cycle from it to "
            "carry its answers and open actions forward.",
        )
    return redirect("audit_cycles:report", audit.pk)


def _download(data: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def export_xlsx(request: HttpRequest, audit_id: int) -> HttpResponse:
    report = build_report(audit=_readable_audit(request, audit_id))
    return _download(
        exports.board_report_xlsx(report),
        content_type=exports.XLSX_TYPE,
        name=exports.filename(report, "xlsx"),
    )


@login_required
@require_safe
def export_docx(request: HttpRequest, audit_id: int) -> HttpResponse:
    report = build_report(audit=_readable_audit(request, audit_id))
    return _download(
        exports.board_report_docx(report),
        content_type=exports.DOCX_TYPE,
        name=exports.filename(report, "docx"),
    )


@login_required
@require_safe
def export_csv(request: HttpRequest, audit_id: int) -> HttpResponse:
    report = build_report(audit=_readable_audit(request, audit_id))
    name = exports.filename(report, "csv").replace("-report.csv", "-responses.csv")
    return _download(
        exports.responses_csv(report), content_type="text/csv; charset=utf-8", name=name
    )


@login_required
@require_safe
def export_pdf(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The board report as a PDF: served when built, else "being prepared" or "failed".

    The PDF is built by a background task and kept until the report changes (report_pdf.py);
    with the ImmediateBackend (tests, `make run`) the first request builds and serves it.
    """
    audit = _readable_audit(request, audit_id)
    record = request_report_pdf(audit=audit, retry=request.GET.get("retry") == "1")
    ready = record is not None and record.status == ReportPdfStatus.READY
    path = stored_path(record) if ready else None
    if path is not None:
        response = FileResponse(path.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.audit_filename(audit, "pdf")}"'
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    failed = record is not None and record.status == ReportPdfStatus.FAILED
    response = render(
        request,
        "audits/reports/pdf_status.html",
        {
            "audit": audit,
            "failed": failed,
            "is_demo": audit.lead_organisation.is_demo,
            "demo_mark": DEMO_MARK,
            "pdf_url": reverse("audit_cycles:report-pdf", args=[audit.pk]),
            "breadcrumbs": [
                *_crumbs(request, audit),
                {"text": "Report", "href": reverse("audit_cycles:report", args=[audit.pk])},
                {"text": "PDF"},
            ],
        },
        status=500 if failed else 202,
    )
    response["Cache-Control"] = "private, no-store"
    return response
