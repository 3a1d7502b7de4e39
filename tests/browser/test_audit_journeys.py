"""Journeys 7 and 8 of the product brief, end to end in a real browser over the demo data.

Journey 7: an audit lead runs a whole self-audit cycle with partner agencies, exports the board
report, and carries it forward into next year's cycle. Journey 8: an administrator loads a new
framework from a YAML file after a faulty one is refused.

Both use the shared demo server without restoring it: everything they create has a title or
reference of its own, and they assert nothing about what other tests create or change.
"""

import re
import uuid

import openpyxl
import pypdf
import pytest
from playwright.sync_api import expect

from .accounts import sign_in
from .axe import assert_accessible

pytestmark = [pytest.mark.browser]

LEAD = "auditlead@northshire-safeguarding-partnership.example"
CONTRIBUTOR = "contributor@northshire.example"
SENIOR_LEAD = "seniorlead@northshire.example"
ADMIN = "admin@carebook.example"
COUNCIL = "Northshire Council"
POLICE = "Northshire Police"
# The built-in framework with the fewest items: six, in three sections, all rated.
FRAMEWORK = "Child sexual exploitation and mental health"
# Northshire Council's local-only procedure in its adapted manual.
LOCAL_PROCEDURE = "Out-of-hours emergency duty team"
SUCCESS = ".govuk-notification-banner--success"


@pytest.fixture
def tab_for(browser, live_demo):
    """A new browser tab signed in as `email`, with cookies of its own (one tab per person)."""
    contexts = []

    def open_tab(email: str):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        sign_in(tab, live_demo.url, email, next_url="/audits/")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Self-audit")
        return tab

    yield open_tab
    for context in contexts:
        context.close()


# Journey 7 -----------------------------------------------------------------------------------


def _start_audit(lead, *, title: str, year: int, previous: str | None = None) -> None:
    lead.goto(lead.url.split("/audits/")[0] + "/audits/")
    lead.get_by_role("button", name="Start an audit").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Start an audit")
    if previous is None:
        assert_accessible(lead)
    framework = lead.get_by_label("Framework", exact=True)
    value = framework.locator("option", has_text=FRAMEWORK).first.get_attribute("value")
    framework.select_option(value)
    lead.get_by_label("Title", exact=True).fill(title)
    lead.get_by_label("Start of the period").fill(f"1/4/{year}")
    lead.get_by_label("End of the period").fill(f"31/3/{year + 1}")
    lead.get_by_label("Due date for returns").fill(f"30/6/{year}")
    if previous is not None:
        lead.get_by_label("Carry forward from an earlier audit").select_option(label=previous)
    lead.get_by_role("button", name="Create the audit").click()
    expect(lead.locator(SUCCESS)).to_contain_text("has been created as a draft")
    expect(lead.get_by_role("heading", level=1)).to_have_text(title)


def _open_return(tab, title: str) -> None:
    tab.goto(tab.url.split("/audits/")[0] + "/audits/")
    # The audit's title, then (visually hidden) whose return it is.
    name = re.compile(re.escape(title) + rf"\s*: {COUNCIL}'s return")
    tab.get_by_role("link", name=name).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(f"{COUNCIL}'s return")


def _answer(tab, rating: str, narrative: str) -> None:
    tab.get_by_label(rating).check()
    tab.get_by_label("What we do").fill(narrative)
    tab.get_by_label("How do we know?").fill("Quarterly case audits and the partnership dataset.")


def _answer_items_until_back_on_a_section(tab) -> None:
    for _ in range(10):
        if "/items/" not in tab.url:
            return
        _answer(tab, "3: Established", "Journey answer: a named lead and a written pathway.")
        tab.get_by_role("button", name="Save and go to the next item").click()
        expect(tab.locator(SUCCESS)).to_be_visible()
    raise AssertionError("The return never went back to a section page.")


def _download(tab, link_name: re.Pattern, folder, extension: str):
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name=link_name).click()
    download = download_info.value
    # Named after the audit: "<title as a slug>-report.<extension>".
    assert download.suggested_filename.endswith(f"-report.{extension}")
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _pdf_text(path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _xlsx_contents(path) -> tuple[str, str]:
    """The workbook's title (its document properties) and the text of every cell."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    title = workbook.properties.title or ""
    workbook.close()
    return title, "\n".join(cells)


def test_journey_7_an_audit_cycle_from_start_to_next_year(tab_for, live_demo, tmp_path):
    token = uuid.uuid4().hex[:8]
    title = f"CSE and mental health self-audit {token}"
    next_title = f"CSE and mental health self-audit {token}, next year"
    web_evidence = f"Partnership CSE strategy {token}"
    action_text = f"Agree a joint CSE and mental health pathway ({token})"

    # The audit lead starts the cycle, invites two partner agencies and opens it.
    lead = tab_for(LEAD)
    _start_audit(lead, title=title, year=2026)
    expect(lead.locator(".govuk-summary-list")).to_contain_text("Draft")
    for organisation in (COUNCIL, POLICE):
        lead.get_by_label("Organisation to invite").select_option(label=organisation)
        lead.get_by_role("button", name="Invite", exact=True).click()
        expect(lead.locator(SUCCESS)).to_contain_text(f"{organisation} has been invited")
    participants = lead.get_by_role("table", name="Participants and the status of their returns")
    expect(participants).to_contain_text(COUNCIL)
    expect(participants).to_contain_text(POLICE)
    lead.get_by_role("button", name="Open the audit").click()
    expect(lead.locator(SUCCESS)).to_contain_text("The audit is open")
    audit_url = lead.url

    # A contributor of the council answers the first item, with a web address and a link to
    # the council's own local procedure found through the procedure search.
    contributor = tab_for(CONTRIBUTOR)
    _open_return(contributor, title)
    expect(contributor.get_by_text("Not started").first).to_be_visible()
    assert_accessible(contributor)
    contributor.locator(".govuk-task-list__link").first.click()
    contributor.locator(".govuk-task-list__link").first.click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text(re.compile(r"^1 \S"))
    assert_accessible(contributor)
    _answer(contributor, "3: Established", "Journey answer: a named lead and a written pathway.")
    contributor.get_by_role("button", name=re.compile("^Save and add evidence")).click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text("Evidence for 1")

    link_form = contributor.locator("form").filter(
        has=contributor.get_by_role("button", name="Add web address")
    )
    link_form.get_by_label("Web address").fill(f"https://example.org/cse-strategy-{token}")
    link_form.get_by_label("What it shows").fill(web_evidence)
    link_form.get_by_role("button", name="Add web address").click()
    expect(contributor.locator(SUCCESS)).to_contain_text("has been added")

    contributor.get_by_label("Search the manuals you can read").fill("emergency duty team")
    contributor.get_by_role("button", name="Search", exact=True).click()
    contributor.get_by_role(
        "button", name=re.compile(f"^Add {LOCAL_PROCEDURE} from .*, {COUNCIL}$")
    ).first.click()
    expect(contributor.locator(SUCCESS)).to_contain_text("has been added")
    evidence = contributor.locator(".govuk-summary-list")
    expect(evidence).to_contain_text(web_evidence)
    expect(evidence).to_contain_text(LOCAL_PROCEDURE)
    assert_accessible(contributor)

    # The procedure's page links back to the audit it is evidence for.
    contributor.locator(".govuk-summary-list").get_by_role("link", name=LOCAL_PROCEDURE).click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text(LOCAL_PROCEDURE)
    expect(
        contributor.get_by_role("link", name=f"Evidence for recommendation 1 in audit {title}")
    ).to_be_visible()
    contributor.go_back()

    # Then the rest of the return, item by item, and marks it ready for sign-off.
    contributor.get_by_role("link", name="Back to 1", exact=True).click()
    contributor.get_by_role("button", name="Save and go to the next item").click()
    expect(contributor.locator(SUCCESS)).to_be_visible()
    _answer_items_until_back_on_a_section(contributor)
    _open_return(contributor, title)
    statuses = contributor.locator(".govuk-task-list__status")
    expect(statuses).to_have_count(3)
    expect(statuses).to_have_text(["Completed"] * 3)
    contributor.get_by_role("button", name="Mark ready for sign-off").click()
    expect(contributor.locator(".govuk-summary-list")).to_contain_text("Ready for sign-off")

    # The council's senior lead checks the answers and signs the return off.
    senior = tab_for(SENIOR_LEAD)
    _open_return(senior, title)
    senior.get_by_role("button", name="Check your answers and sign off").click()
    expect(senior.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before signing off"
    )
    expect(senior.locator("main")).to_contain_text(web_evidence)
    expect(senior.locator("main")).to_contain_text(LOCAL_PROCEDURE)
    senior.get_by_role("button", name="Sign off and submit").click()
    expect(senior.locator(SUCCESS)).to_contain_text("signed off")
    expect(senior.locator(".govuk-summary-list")).to_contain_text("Submitted")

    # The lead starts moderation and records the challenge event.
    lead.goto(audit_url)
    lead.get_by_role("button", name="Start moderation").click()
    expect(lead.locator(".govuk-summary-list")).to_contain_text("Moderation")
    lead.get_by_role("link", name="Challenge events").click()
    lead.get_by_role("link", name="Record a challenge event").click()
    lead.get_by_label("Date of the event").fill("14/7/2026")
    lead.get_by_label(COUNCIL, exact=True).check()
    lead.get_by_label(POLICE, exact=True).check()
    lead.get_by_label(re.compile(r"^1 ")).check()
    lead.get_by_label("Notes", exact=True).fill(f"Challenge panel {token}: pathway evidence.")
    lead.get_by_role("button", name="Record the event").click()
    expect(lead.locator(SUCCESS)).to_contain_text("challenge event has been recorded")
    expect(lead.locator("main")).to_contain_text(f"Challenge panel {token}")

    # A moderated rating, with its rationale, on the council's first item.
    lead.goto(audit_url)
    lead.get_by_role("link", name=re.compile(f"^{COUNCIL}\\s*'s return")).click()
    lead.locator(".govuk-task-list__link").first.click()
    lead.locator(".govuk-task-list__link").first.click()
    lead.get_by_role("link", name="Moderate 1", exact=True).click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Moderate 1")
    expect(lead.locator("main")).to_contain_text(LOCAL_PROCEDURE)
    assert_accessible(lead)
    lead.get_by_label("2: Emerging").check()
    lead.get_by_label("Rationale").fill(f"Panel {token}: the pathway is written but not yet used.")
    lead.get_by_role("button", name="Save the moderated rating").click()
    expect(lead.locator(SUCCESS)).to_contain_text("moderated rating of 1 has been saved")

    # An action for the item, owned by the council.
    lead.locator(".govuk-task-list__link").first.click()
    lead.locator(".govuk-task-list__link").first.click()
    expect(lead.locator("main")).to_contain_text(f"Panel {token}")
    lead.get_by_role("link", name="Moderate 1", exact=True).click()
    lead.get_by_role("link", name="Add an action for 1").click()
    expect(lead.get_by_label(re.compile(r"^1 "))).to_be_checked()
    lead.get_by_label(COUNCIL, exact=True).check()
    lead.get_by_label("Named owner").fill("Head of early help")
    lead.get_by_label("Action", exact=True).fill(action_text)
    lead.get_by_label("Due date", exact=True).fill("31/3/2027")
    lead.get_by_role("button", name="Add the action").click()
    expect(lead.locator(SUCCESS)).to_contain_text("added to the action plan")
    lead.get_by_role("link", name="Back to the action plan").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Action plan")
    expect(lead.locator(".govuk-table")).to_contain_text(action_text)
    assert_accessible(lead)

    # The report: the dashboard, published, then the board report as PDF and spreadsheet.
    lead.goto(audit_url)
    lead.get_by_role("link", name="See the report dashboard").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Report: {title}")
    grid = lead.get_by_role("table", name=re.compile("Ratings by participant"))
    expect(grid).to_contain_text("Moderated; self:")
    lead.get_by_role("button", name="Publish the report").click()
    expect(lead.locator(SUCCESS)).to_contain_text("The report is published")
    expect(lead.locator(".govuk-summary-list").first).to_contain_text("Report published")
    assert_accessible(lead)

    pdf = _download(lead, re.compile("^PDF$"), tmp_path, "pdf")
    text = _pdf_text(pdf)
    assert title in text
    assert COUNCIL in text
    xlsx = _download(lead, re.compile("^Spreadsheet"), tmp_path, "xlsx")
    # The sheets are tables with a header row; the audit's title is the workbook's own.
    workbook_title, cells = _xlsx_contents(xlsx)
    assert workbook_title == f"{title}: board report"
    assert COUNCIL in cells
    assert action_text in cells

    # Next year: a new cycle carried forward from this one.
    _start_audit(lead, title=next_title, year=2027, previous=title)
    carried_from = lead.locator(".govuk-summary-list__row").filter(has_text="Carried forward from")
    expect(carried_from.get_by_role("link", name=title, exact=True)).to_be_visible()
    participants = lead.get_by_role("table", name="Participants and the status of their returns")
    expect(participants).to_contain_text(COUNCIL)
    expect(participants).to_contain_text(POLICE)
    lead.get_by_role("button", name="Open the audit").click()
    expect(lead.locator(SUCCESS)).to_contain_text("The audit is open")
    next_audit_url = lead.url

    # The contributor sees last year's answers carried forward, and rates the first item higher.
    _open_return(contributor, next_title)
    expect(contributor.get_by_text("carried forward — confirm or update").first).to_be_visible()
    contributor.locator(".govuk-task-list__link").first.click()
    contributor.locator(".govuk-task-list__link").first.click()
    expect(contributor.get_by_text("Carried forward — confirm or update")).to_be_visible()
    expect(contributor.locator("main")).to_contain_text(web_evidence)
    expect(contributor.locator("main")).to_contain_text(LOCAL_PROCEDURE)
    expect(contributor.get_by_label("3: Established")).to_be_checked()
    _answer(contributor, "4: Embedded", "Journey answer: the pathway is used in every case.")
    contributor.get_by_role("button", name="Save and come back later").click()
    expect(contributor.locator(SUCCESS)).to_be_visible()
    expect(contributor.get_by_text("Rated 4: Embedded")).to_be_visible()

    # The lead sees what moved since last year: the item moderated to 2 is now rated 4.
    lead.goto(next_audit_url)
    lead.get_by_role("link", name="See the report dashboard").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Report: {next_title}")
    comparison = lead.locator("#comparison-heading ~ p").first
    expect(comparison).to_contain_text(f"Compared with “{title}”")
    expect(comparison).to_contain_text("1 rating moved up and 0 moved down")
    moved_up = lead.get_by_role("table", name="What moved up")
    expect(moved_up.get_by_role("row", name=re.compile(r"^1 2\.0 4\.0 \+2\.0$"))).to_be_visible()
    expect(lead.get_by_role("table", name="What moved down")).to_contain_text("Nothing moved down.")
    # Last year's open action continues in this cycle.
    expect(lead.locator("main")).to_contain_text(action_text)
    assert_accessible(lead)


# Journey 8 -----------------------------------------------------------------------------------

FAULTY = """\
carebook_framework: 1
ref: {ref}
version: "2026-01"
name: {name}
scale:
  - value: 1
    label: Not yet
  - value: 2
    label: In place
sections:
  - ref: "1"
    name: The only section
    items:
      - ref: 1.10
        statement: Leaders review the arrangements every year.
        level_descriptors:
          5: Beyond the scale
      - ref: "1.2"
        statment: A misspelt key.
"""

VALID = """\
carebook_framework: 1
ref: {ref}
version: "2026-01"
name: {name}
description: A small framework written for the browser test of framework loading.
publisher: Carebook test suite
scale:
  - value: 1
    label: Not in place
    colour: red
  - value: 2
    label: Partly in place
    colour: yellow
  - value: 3
    label: In place
    description: Done routinely and checked.
    colour: green
allow_not_applicable: true
sections:
  - ref: "A"
    name: Leadership of safeguarding
    items:
      - ref: "A.1"
        statement: A senior leader is accountable for safeguarding across the service.
        guidance: The name and role are known to staff and partners.
        evidence_prompts:
          - Where is the accountability written down?
        level_descriptors:
          1: Nobody is named.
          3: A named leader reports to the board each year.
      - ref: "A.2"
        statement: Safeguarding is a standing item at leadership meetings.
  - ref: "B"
    name: Learning from practice
    items:
      - ref: "B.1"
        statement: Lessons from case reviews change how staff work.
        tags: [learning]
      - ref: "B.2"
        statement: National reviews are read and shared with the partnership.
        assessable: false
"""


def test_journey_8_a_faulty_framework_is_refused_and_a_valid_one_loaded(page, live_demo, tmp_path):
    token = uuid.uuid4().hex[:8]
    faulty_ref, faulty_name = f"journey-faulty-{token}", f"Faulty framework {token}"
    new_ref, new_name = f"journey-framework-{token}", f"Safeguarding basics {token}"
    sign_in(page, live_demo.url, ADMIN, next_url="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"{live_demo.url}/admin/frameworks/")
    faulty = tmp_path / "faulty.yaml"
    faulty.write_text(FAULTY.format(ref=faulty_ref, name=faulty_name))
    page.get_by_label("Framework file").set_input_files(str(faulty))
    page.get_by_role("button", name="Upload framework").click()

    alert = page.locator("#framework-problems")
    expect(alert).to_contain_text("The file was refused and nothing was written (4 problems)")
    expect(alert.get_by_role("listitem")).to_have_text(
        [
            "Line 14: sections[0].items[0].ref: 1.10 is a number, not text: put it in quotes "
            '(ref: "1.10"); unquoted, YAML reads 1.10 as the number 1.1',
            "Line 17: sections[0].items[0].level_descriptors.5: 5 is not a value on the scale",
            "Line 18: sections[0].items[1].statement: is required but missing",
            re.compile(r"^Line 19: sections\[0\]\.items\[1\]\.statment: “statment” is not a known"),
        ]
    )
    assert_accessible(page, within="main")
    # Nothing was written: the framework is in neither list, and has no page.
    expect(page.locator("table.listing")).not_to_contain_text(faulty_ref)
    page.goto(f"{live_demo.url}/audits/frameworks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frameworks")
    expect(page.locator("main")).not_to_contain_text(faulty_name)
    missing = page.goto(f"{live_demo.url}/audits/frameworks/{faulty_ref}/")
    assert missing is not None and missing.status == 404

    page.goto(f"{live_demo.url}/admin/frameworks/")
    valid = tmp_path / "valid.yaml"
    valid.write_text(VALID.format(ref=new_ref, name=new_name))
    page.get_by_label("Framework file").set_input_files(str(valid))
    page.get_by_role("button", name="Upload framework").click()
    expect(page.locator("#framework-problems")).to_have_count(0)
    expect(page.locator("table.listing")).to_contain_text(new_ref)

    page.goto(f"{live_demo.url}/audits/frameworks/")
    page.get_by_role("link", name=new_name).click()
    expect(page).to_have_url(re.compile(f"/audits/frameworks/{new_ref}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(new_name)
    expect(page.get_by_text("4 items (3 rated)")).to_be_visible()
    expect(page.get_by_role("heading", name="A. Leadership of safeguarding")).to_be_visible()
    expect(page.get_by_role("heading", name="B. Learning from practice")).to_be_visible()
    for statement in (
        "A.1 A senior leader is accountable for safeguarding across the service.",
        "A.2 Safeguarding is a standing item at leadership meetings.",
        "B.1 Lessons from case reviews change how staff work.",
        "B.2 National reviews are read and shared with the partnership.",
    ):
        expect(page.get_by_role("heading", name=statement)).to_be_visible()
    expect(page.get_by_role("table", name="Levels for item A.1")).to_contain_text(
        "A named leader reports to the board each year."
    )
    assert_accessible(page)
