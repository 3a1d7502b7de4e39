"""The report pages: who reads the dashboard and every export, before and after publishing,
who publishes, guessed ids; and the files themselves, opened and read."""

import csv
import datetime as dt
import io

import docx
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from carebook.audits import services_audits
from carebook.audits.exports import safe_cell
from carebook.audits.models import Audit, AuditStatus, ReportPdf, ReportPdfStatus
from carebook.audits.report_pdf import report_fingerprint
from carebook.organisations.models import Organisation

from .conftest import PARTNERSHIP, login
from .reporting import add_action, answer, moderate, publish, submit
from .test_views_permissions import person

pytestmark = pytest.mark.django_db

# Who reads the report: "always" (the lead's audit leads), "published" (participants' people
# and leaders of the lead and participant organisations), "never".
READERS = [
    ("auditlead", PARTNERSHIP, "always"),
    ("contributor", "northshire-police", "published"),
    ("seniorlead", "northshire-police", "published"),
    ("leader", "northshire-police", "published"),
    ("contributor", "northshire-health", "published"),
    ("leader", PARTNERSHIP, "published"),
    ("orgadmin", PARTNERSHIP, "never"),
    ("reader", PARTNERSHIP, "never"),
    ("auditlead", "northshire", "never"),
    ("contributor", "northshire-schools", "never"),
    ("leader", "northshire-schools", "never"),
    ("orgadmin", "northshire-police", "never"),
    ("superuser", None, "never"),
]
# Those who can see the audit itself (and so get 403, not 404, before publication).
KNOWS_AUDIT = {("contributor", "northshire-police"), ("seniorlead", "northshire-police")}
KNOWS_AUDIT |= {("contributor", "northshire-health")}
VIEWS = ["", "board-report.xlsx", "board-report.docx", "responses.csv", "board-report.pdf"]


@pytest.fixture
def answered(audit, police, health, org):
    answer(police, "1.1", 4, narrative='=HYPERLINK("http://evil.example","x")')
    answer(police, "2.1", None)
    answer(health, "1.1", 1, narrative="+44 is a prefix\tand a tab")
    answer(health, "2.1", 2, sufficiency="@SUM(A1)")
    moderate(police, "1.1", 3)
    submit(police, health)
    add_action(audit, ["1.1"], [org("northshire-police")], due=dt.date(2020, 1, 1))
    add_action(audit, ["2.1"], [org("northshire-health")], description="-Train the staff")
    return audit


def url(audit, view=""):
    return f"/audits/{audit.pk}/report/{view}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("role", "slug", "reads"), READERS)
def test_who_reads_the_report_before_and_after_publishing(
    client, answered, role, slug, reads, view
):
    client.force_login(person(role, slug))
    before = client.get(url(answered, view))
    if reads == "always":
        assert before.status_code == 200
    elif (role, slug) in KNOWS_AUDIT:
        assert before.status_code == 403
    else:
        assert before.status_code == 404
    publish(answered)
    after = client.get(url(answered, view))
    assert after.status_code == (404 if reads == "never" else 200)
    if after.status_code == 200 and view:
        assert after["Content-Disposition"].startswith("attachment;")
        assert after["Cache-Control"] == "private, no-store"


def _pdf_row(audit, status):
    return ReportPdf.objects.create(
        audit=audit, fingerprint=report_fingerprint(audit), status=status
    )


@pytest.mark.parametrize("status", [ReportPdfStatus.BUILDING, ReportPdfStatus.FAILED])
@pytest.mark.parametrize(("role", "slug", "reads"), READERS)
def test_who_sees_the_pdf_being_prepared_or_failed(client, answered, role, slug, reads, status):
    """The PDF's status pages follow the report's rules, and a retry by someone who may not
    read the report starts nothing."""
    client.force_login(person(role, slug))
    shown = 202 if status == ReportPdfStatus.BUILDING else 500
    text = "is being prepared" if status == ReportPdfStatus.BUILDING else "could not be made"
    for published in (False, True):
        if published:
            publish(answered)
        record = _pdf_row(answered, status)
        for query in ("", "?retry=1"):
            response = client.get(url(answered, "board-report.pdf") + query)
            if reads == "always" or (published and reads == "published"):
                if query and status == ReportPdfStatus.FAILED:
                    assert response.status_code == 200  # the retry built it
                    assert response["Content-Type"] == "application/pdf"
                    break
                assert response.status_code == shown
                assert text in response.content.decode()
                assert response["Cache-Control"] == "private, no-store"
            else:
                expected = 403 if not published and (role, slug) in KNOWS_AUDIT else 404
                assert response.status_code == expected
                assert text not in response.content.decode()
            record.refresh_from_db()
            assert record.status == status


@pytest.mark.parametrize(("role", "slug", "reads"), READERS)
def test_only_the_lead_publishes(client, answered, role, slug, reads):
    client.force_login(person(role, slug))
    response = client.post(url(answered, "publish/"))
    answered.refresh_from_db()
    if reads == "always":
        assert response.status_code == 302
        assert answered.status == AuditStatus.REPORT_PUBLISHED
    else:
        assert response.status_code == (403 if (role, slug) in KNOWS_AUDIT else 404)
        assert answered.status == AuditStatus.OPEN


def test_readers_after_publishing_still_cannot_publish_or_republish(client, answered):
    publish(answered)
    client.force_login(login("leader", "northshire-police"))
    assert client.post(url(answered, "publish/")).status_code == 403
    client.force_login(login("auditlead", PARTNERSHIP))
    response = client.post(url(answered, "publish/"), follow=True)
    assert "already been published" in response.content.decode()


def test_publishing_needs_a_submitted_return(client, audit, police):
    client.force_login(login("auditlead", PARTNERSHIP))
    response = client.post(url(audit, "publish/"), follow=True)
    assert "No return has been submitted" in response.content.decode()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.OPEN


def test_guessed_and_draft_ids_are_not_found(client, answered, lead, org):
    draft = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=answered.framework_version,
        title="Draft",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        due_date=dt.date(2026, 6, 30),
    )
    services_audits.invite_participant(
        user=lead, audit=draft, organisation=org("northshire-police")
    )
    missing = Audit(pk=Audit.objects.order_by("-pk").first().pk + 100)
    client.force_login(login("contributor", "northshire-police"))
    for view in VIEWS:
        assert client.get(url(draft, view)).status_code == 404
        assert client.get(url(missing, view)).status_code == 404
    assert client.post(url(draft, "publish/")).status_code == 404
    client.force_login(login("auditlead", PARTNERSHIP))
    assert client.get(url(missing)).status_code == 404
    assert client.get(url(draft)).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client, answered):
    publish(answered)
    for view in VIEWS:
        response = client.get(url(answered, view))
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")


def test_the_dashboard_shows_ratings_as_text_scores_spread_and_actions(client, answered):
    client.force_login(login("auditlead", PARTNERSHIP))
    response = client.get(url(answered))
    page = response.content.decode()
    assert 'govuk-tag--green carebook-grid__tag">3 Established' in page
    assert "Moderated; self: 4 Embedded" in page
    assert 'govuk-tag--red carebook-grid__tag">1 Not in place' in page
    assert "Not applicable" in page
    assert 'role="img"' in page and '<title id="section-scores-chart-title">' in page
    assert "Mean section scores across participants (the chart's data)" in page
    assert "Overdue" in page and "1 overdue" in page
    assert "Publish the report" in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


def test_the_dashboard_says_when_there_is_no_previous_cycle(client, answered):
    client.force_login(login("auditlead", PARTNERSHIP))
    assert "nothing to compare with" in client.get(url(answered)).content.decode()


# Files ----------------------------------------------------------------------------------------


def _lead_get(client, audit, view):
    client.force_login(login("auditlead", PARTNERSHIP))
    response = client.get(url(audit, view))
    assert response.status_code == 200
    return response


def test_the_xlsx_has_a_sheet_per_view_with_the_figures(client, answered):
    response = _lead_get(client, answered, "board-report.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Grid",
        "Scores",
        "Spread",
        "Self and moderated",
        "Actions",
        "Comparison",
        "Responses",
    ]
    grid = [list(row) for row in workbook["Grid"].iter_rows(values_only=True)]
    assert grid[0] == ["Organisation", "1.1", "2.1"]
    assert ["Northshire Police", "3 Established (moderated)", "Not applicable"] in grid
    scores = [list(row) for row in workbook["Scores"].iter_rows(values_only=True)]
    assert ["Northshire Health", 1, 2, 1.5] in scores
    actions = [list(row) for row in workbook["Actions"].iter_rows(values_only=True)]
    assert any(row[-1] == "Overdue" for row in actions[1:])


def test_spreadsheet_cells_that_look_like_formulas_are_escaped(client, answered):
    response = _lead_get(client, answered, "board-report.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    texts = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert texts, "the workbook has text"
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert "'-Train the staff" in texts
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"

    rows = list(
        csv.reader(
            io.StringIO(_lead_get(client, answered, "responses.csv").content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:4] == ["Organisation", "Section", "Item", "Self rating"]
    cells = [cell for row in rows for cell in row]
    assert "'+44 is a prefix\tand a tab" in cells
    assert "'@SUM(A1)" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
        ("bell\x07", "bell"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_the_docx_holds_the_report_tables(client, answered):
    response = _lead_get(client, answered, "board-report.docx")
    document = docx.Document(io.BytesIO(response.content))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "Test audit 2026: board report"
    assert "Section scores" in headings and "Action plan" in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Northshire Health" in cells
    assert "Write a supervision policy" in cells
    assert "Overdue" in cells


def test_the_pdf_is_tagged_and_holds_the_report(client, answered):
    response = _lead_get(client, answered, "board-report.pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.getvalue()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Test audit 2026: board report" in text
    assert "Section scores" in text and "Action plan" in text
    assert "3 Established" in text
    assert "Northshire Police" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_dashboard_queries_are_the_same_for_two_and_six_participants(client, answered, lead):
    client.force_login(lead)
    client.get(url(answered))  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url(answered)).status_code == 200
    for number in range(4):
        organisation = Organisation.objects.create(
            name=f"Agency {number}", slug=f"agency-{number}", kind="voluntary"
        )
        participant = services_audits.invite_participant(
            user=lead, audit=answered, organisation=organisation
        )
        answer(participant, "1.1", 2)
        answer(participant, "2.1", 3)
        moderate(participant, "2.1", 1)
        add_action(answered, ["1.1"], [organisation])
    with CaptureQueriesContext(connection) as six:
        assert client.get(url(answered)).status_code == 200
    assert answered.participants.count() == 6
    assert len(six) == len(two)


def test_the_audits_home_lists_published_reports_for_their_readers(client, answered):
    publish(answered)
    client.force_login(login("leader", "northshire-police"))
    page = client.get("/audits/").content.decode()
    assert "Published reports" in page
    assert f'href="/audits/{answered.pk}/report/"' in page
    client.force_login(login("leader", "northshire-schools"))
    assert f'href="/audits/{answered.pk}/report/"' not in client.get("/audits/").content.decode()
    client.force_login(login("auditlead", PARTNERSHIP))
    page = client.get("/audits/").content.decode()
    assert f'href="/audits/{answered.pk}/report/"' not in page  # listed under "Audits you lead"


@pytest.mark.parametrize(("role", "slug", "reads"), READERS)
def test_only_the_lead_closes_an_audit_and_only_after_publishing(
    client, answered, role, slug, reads
):
    client.force_login(login("auditlead", PARTNERSHIP))
    response = client.post(url(answered, "close/"), follow=True)
    assert "Publish the report before closing" in response.content.decode()
    publish(answered)
    client.force_login(person(role, slug))
    response = client.post(url(answered, "close/"))
    answered.refresh_from_db()
    if reads == "always":
        assert response.status_code == 302
        assert answered.status == AuditStatus.CLOSED
        page = client.get(url(answered)).content.decode()
        assert "Close the audit" not in page and "Ratings by participant" in page
    else:
        assert response.status_code == (403 if reads == "published" else 404)
        assert answered.status == AuditStatus.REPORT_PUBLISHED


def test_a_closed_audit_takes_no_more_answers_and_can_be_carried_forward(client, answered, lead):
    publish(answered)
    client.force_login(login("auditlead", PARTNERSHIP))
    assert "Close the audit" in client.get(url(answered)).content.decode()
    client.post(url(answered, "close/"))
    response = client.post(url(answered, "close/"), follow=True)
    assert "already closed" in response.content.decode()
    police = answered.participants.get(organisation__slug="northshire-police")
    client.force_login(login("contributor", "northshire-police"))
    item = answered.framework_version.items.get(ref="1.1")
    before = police.responses.get(item=item).narrative
    client.post(
        f"/audits/{answered.pk}/returns/{police.pk}/items/{item.pk}/",
        {"rating": "2", "narrative": "Changed after closing.", "version": "99", "save": "1"},
    )
    assert police.responses.get(item=item).narrative == before
    following = services_audits.create_audit(
        user=lead,
        lead_organisation=answered.lead_organisation,
        framework_version=answered.framework_version,
        title="Next year",
        period_start=dt.date(2027, 4, 1),
        period_end=dt.date(2028, 3, 31),
        due_date=dt.date(2027, 6, 30),
        previous=answered,
    )
    assert following.participants.count() == answered.participants.count()
