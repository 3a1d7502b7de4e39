"""The board report's PDF, built in the background and kept until the report changes: the
cache, its fingerprint, the "being prepared" and failure pages, private files, and the
database task queue (no duplicate builds)."""

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from django.db import IntegrityError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carebook.audits import exports, report_pdf
from carebook.audits.models import (
    ActionStatus,
    ModeratedRating,
    ReportPdf,
    ReportPdfStatus,
    Response,
)
from carebook.organisations.models import Organisation

from .conftest import PARTNERSHIP, TEST_AUDIT, login
from .reporting import add_action, answer, level, moderate, publish, submit

pytestmark = pytest.mark.django_db
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def answered(audit, police, health, org):
    answer(police, "1.1", 4)
    answer(police, "2.1", 2)
    answer(health, "1.1", 1)
    answer(health, "2.1", None)
    moderate(police, "1.1", 3)
    submit(police, health)
    add_action(audit, ["1.1"], [org("northshire-police")])
    return audit


@pytest.fixture
def lead_client(client):
    client.force_login(login("auditlead", PARTNERSHIP))
    return client


@pytest.fixture
def build_spy(monkeypatch):
    calls = []
    real = exports.board_report_pdf

    def spy(html):
        calls.append(len(html))
        return real(html)

    monkeypatch.setattr(exports, "board_report_pdf", spy)
    return calls


def pdf_url(audit) -> str:
    return f"/audits/{audit.pk}/report/board-report.pdf"


def text_of(response) -> str:
    data = response.getvalue()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_first_request_builds_and_serves_the_pdf(lead_client, answered, private_root):
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="test-audit-2026-report.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    text = text_of(response)
    assert f"{TEST_AUDIT}: board report" in text and "3 Established" in text
    record = ReportPdf.objects.get(audit=answered)
    assert record.status == ReportPdfStatus.READY and record.attempts == 1
    assert record.fingerprint == report_pdf.report_fingerprint(answered)
    stored = private_root / record.file_path
    assert stored.is_file() and record.size == stored.stat().st_size and record.page_count >= 1


def test_the_second_request_serves_the_kept_file(lead_client, answered, build_spy, private_root):
    first = lead_client.get(pdf_url(answered)).getvalue()
    record = ReportPdf.objects.get(audit=answered)
    assert first == (private_root / record.file_path).read_bytes()
    assert lead_client.get(pdf_url(answered)).getvalue() == first
    assert len(build_spy) == 1
    # Publishing changes the report (its status); then every reader gets the same file:
    # nothing in it depends on who asks.
    publish(answered)
    lead_client.force_login(login("leader", "northshire-police"))
    assert lead_client.get(pdf_url(answered)).status_code == 200
    lead_client.force_login(login("auditlead", PARTNERSHIP))
    assert lead_client.get(pdf_url(answered)).status_code == 200
    assert len(build_spy) == 2
    assert ReportPdf.objects.filter(audit=answered).count() == 1


def test_a_new_moderated_rating_or_answer_makes_the_next_request_rebuild(
    lead_client, answered, police, build_spy, private_root
):
    lead_client.get(pdf_url(answered))
    before = ReportPdf.objects.get(audit=answered)
    old_file = private_root / before.file_path
    # Changed without touching any timestamp: the fingerprint follows what the report shows.
    ModeratedRating.objects.filter(participant=police).update(rating=level(answered, 1))
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 200 and len(build_spy) == 2
    assert "Northshire Police 1.1 4 Embedded 1 Not in place (lowered)" in text_of(response)
    after = ReportPdf.objects.get(audit=answered)  # the old one is discarded, with its file
    assert after.fingerprint != before.fingerprint and not old_file.exists()
    Response.objects.filter(participant=police, item__ref="2.1").update(rating=level(answered, 4))
    response = lead_client.get(pdf_url(answered))
    assert "2 Second section 4.0 4.0 4.0" in text_of(response)
    assert len(build_spy) == 3
    # No change: no build.
    assert lead_client.get(pdf_url(answered)).status_code == 200
    assert len(build_spy) == 3


def test_the_fingerprint_follows_what_the_report_shows(answered, police, health, org):
    fingerprint = report_pdf.report_fingerprint(answered)
    assert report_pdf.report_fingerprint(answered) == fingerprint
    # A new day is a new "Made on" date (and actions may become overdue).
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert report_pdf.report_fingerprint(answered, today=tomorrow) != fingerprint
    # Text that the PDF does not show (the responses' narrative is in the XLSX and CSV) leaves
    # it alone.
    Response.objects.filter(participant=police).update(narrative="A new narrative")
    assert report_pdf.report_fingerprint(answered) == fingerprint
    changes = [
        lambda: answered.actions.update(status=ActionStatus.VERIFIED),
        lambda: add_action(answered, ["2.1"], [org("northshire-health")], description="New"),
        lambda: ModeratedRating.objects.filter(participant=police).delete(),
        lambda: answer(health, "1.1", 2),
        lambda: Organisation.objects.filter(slug="northshire-health").update(
            name="Northshire Integrated Care"
        ),
        lambda: publish(answered),
    ]
    seen = {fingerprint}
    for change in changes:
        change()
        answered.refresh_from_db()
        current = report_pdf.report_fingerprint(answered)
        assert current not in seen
        seen.add(current)


def test_a_failed_build_says_so_and_can_be_retried(lead_client, answered, monkeypatch):
    def broken(html):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(exports, "board_report_pdf", broken)
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 500
    html = response.content.decode()
    assert "could not be made" in html
    assert f'href="{pdf_url(answered)}?retry=1">Try making the PDF again</a>' in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert response["Cache-Control"] == "private, no-store"
    record = ReportPdf.objects.get(audit=answered)
    assert record.status == ReportPdfStatus.FAILED
    assert "RuntimeError: secret internal detail" in record.error

    monkeypatch.undo()
    # Without asking for a retry, the failure stands (no build on every visit) ...
    assert lead_client.get(pdf_url(answered)).status_code == 500
    # ... and the retry link builds it.
    response = lead_client.get(f"{pdf_url(answered)}?retry=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"{TEST_AUDIT}: board report" in text_of(response)
    record.refresh_from_db()
    assert record.status == ReportPdfStatus.READY and record.attempts == 2 and not record.error


def test_while_building_readers_get_a_being_prepared_page(lead_client, answered, build_spy):
    ReportPdf.objects.create(
        audit=answered,
        fingerprint=report_pdf.report_fingerprint(answered),
        status=ReportPdfStatus.BUILDING,
    )
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 202
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "is being prepared" in html and "does not refresh by itself" in html
    assert f'<a class="govuk-link" href="{pdf_url(answered)}">Check again</a>' in html
    assert 'http-equiv="refresh"' not in html
    assert 'class="govuk-breadcrumbs"' in html
    assert f'href="/audits/{answered.pk}/report/"' in html
    assert build_spy == []


def test_a_build_that_never_finished_can_be_retried(lead_client, answered, build_spy):
    ReportPdf.objects.create(
        audit=answered,
        fingerprint=report_pdf.report_fingerprint(answered),
        status=ReportPdfStatus.BUILDING,
        started_at=timezone.now() - report_pdf.BUILD_TIMEOUT - dt.timedelta(minutes=1),
    )
    assert lead_client.get(pdf_url(answered)).status_code == 500
    assert lead_client.get(f"{pdf_url(answered)}?retry=1").status_code == 200
    assert len(build_spy) == 1


def test_a_lost_file_is_built_again(lead_client, answered, build_spy, private_root):
    lead_client.get(pdf_url(answered))
    (private_root / ReportPdf.objects.get(audit=answered).file_path).unlink()
    assert lead_client.get(pdf_url(answered)).status_code == 200
    assert len(build_spy) == 2


def test_a_report_that_changed_before_its_build_is_not_built(answered, build_spy):
    stale = ReportPdf.objects.create(audit=answered, fingerprint="0" * 64)
    assert report_pdf.build_report_pdf(record_id=stale.pk) is None
    assert not ReportPdf.objects.filter(pk=stale.pk).exists()
    assert build_spy == []


def test_built_files_are_private(settings, lead_client, answered, private_root):
    lead_client.get(pdf_url(answered))
    record = ReportPdf.objects.get(audit=answered)
    path = (private_root / record.file_path).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert lead_client.get(f"/media/{record.file_path}").status_code == 404


def test_the_dashboard_links_to_the_pdf_without_forcing_a_download(lead_client, answered):
    html = lead_client.get(f"/audits/{answered.pk}/report/").content.decode()
    # Not `download`: while it is being prepared the link opens a page, not a file.
    assert f'<a class="govuk-link" href="{pdf_url(answered)}">PDF</a>' in html


# The database task queue (production): one build per fingerprint, however many requests.


def test_two_requests_enqueue_one_build(settings, lead_client, answered, build_spy):
    settings.TASKS = DATABASE_BACKEND
    first = lead_client.get(pdf_url(answered))
    second = lead_client.get(pdf_url(answered))
    assert first.status_code == second.status_code == 202
    assert "is being prepared" in second.content.decode()
    record = ReportPdf.objects.get(audit=answered)
    assert record.status == ReportPdfStatus.BUILDING
    tasks = DBTaskResult.objects.filter(task_path="carebook.audits.tasks.build_report_pdf_task")
    assert tasks.count() == 1
    assert tasks.get().args_kwargs["kwargs"] == {"record_id": record.pk}
    assert build_spy == []
    # The worker runs the task; the next request gets the file.
    report_pdf.build_report_pdf(record_id=record.pk)
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert tasks.count() == 1 and len(build_spy) == 1


def test_a_request_that_loses_the_race_waits_for_the_winner(
    settings, lead_client, answered, monkeypatch
):
    """Two requests at once: the other one inserts the row between our look and our insert."""
    settings.TASKS = DATABASE_BACKEND
    # The other request's row, committed after our look found nothing ...
    ReportPdf.objects.create(audit=answered, fingerprint=report_pdf.report_fingerprint(answered))

    def lost_race(**kwargs):
        # ... so our insert hits the unique constraint.
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ReportPdf.objects, "get_or_create", lost_race)
    response = lead_client.get(pdf_url(answered))
    assert response.status_code == 202
    assert ReportPdf.objects.filter(audit=answered).count() == 1
    assert not DBTaskResult.objects.filter(task_path__startswith="carebook.audits").exists()
