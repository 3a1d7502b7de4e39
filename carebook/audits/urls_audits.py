"""/audits/: audit cycles and returns (the self-audit area for signed-in users)."""

from django.urls import path

from . import views_audits as views
from . import views_moderation as moderation
from . import views_reports

app_name = "audit_cycles"

RETURN = "<int:audit_id>/returns/<int:participant_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.audit_create, name="create"),
    path("<int:audit_id>/", views.audit_detail, name="audit"),
    path("<int:audit_id>/invite/", views.audit_invite, name="invite"),
    path("<int:audit_id>/open/", views.audit_open, name="open"),
    path(RETURN, views.return_tasks, name="return"),
    path(f"{RETURN}ready/", views.return_ready, name="ready"),
    path(f"{RETURN}sign-off/", views.return_sign_off, name="sign-off"),
    path(f"{RETURN}send-back/", views.return_send_back, name="send-back"),
    path(f"{RETURN}sections/<int:section_id>/", views.return_section, name="section"),
    path(f"{RETURN}items/<int:item_id>/", views.return_item, name="item"),
    path(f"{RETURN}items/<int:item_id>/evidence/", views.return_evidence, name="evidence"),
    path("<int:audit_id>/report/", views_reports.dashboard, name="report"),
    path("<int:audit_id>/report/publish/", views_reports.publish, name="report-publish"),
    path("<int:audit_id>/report/close/", views_reports.close, name="report-close"),
    path("<int:audit_id>/report/board-report.pdf", views_reports.export_pdf, name="report-pdf"),
    path("<int:audit_id>/report/board-report.xlsx", views_reports.export_xlsx, name="report-xlsx"),
    path("<int:audit_id>/report/board-report.docx", views_reports.export_docx, name="report-docx"),
    path("<int:audit_id>/report/responses.csv", views_reports.export_csv, name="report-csv"),
    path(f"{RETURN}items/<int:item_id>/moderate/", moderation.moderate, name="moderate"),
    path(f"{RETURN}return-for-changes/", moderation.return_changes, name="return-changes"),
    path(
        "<int:audit_id>/moderation/start/",
        moderation.audit_start_moderation,
        name="start-moderation",
    ),
    path("<int:audit_id>/challenge/", moderation.challenge_events, name="challenge"),
    path("<int:audit_id>/challenge/new/", moderation.challenge_event_create, name="challenge-new"),
    path("<int:audit_id>/actions/", moderation.action_plan, name="actions"),
    path("<int:audit_id>/actions/new/", moderation.action_create, name="action-new"),
    path("<int:audit_id>/actions/<int:action_id>/", moderation.action_detail, name="action"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
]
