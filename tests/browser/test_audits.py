"""Journey 7 in part: a participant completes its return and its senior lead submits it."""

import re

import pytest
from playwright.sync_api import expect

from .accounts import sign_in
from .axe import assert_accessible

pytestmark = [pytest.mark.browser]

RETURN_LINK = re.compile(r"Northshire Health's return")


def _answer_items_until_back_on_a_section(page) -> None:
    """Answer the item on screen and those after it, until the return goes back to a section."""
    for _ in range(40):
        if "/items/" not in page.url:
            return
        page.get_by_label("3: Established").check()
        page.get_by_label("What we do").fill("Demo answer: supervision is monthly and recorded.")
        page.get_by_label("How do we know?").fill("Quarterly audit of supervision records.")
        page.get_by_role("button", name="Save and go to the next item").click()
        expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    raise AssertionError("The return never went back to a section page.")


def _open_the_return(page) -> None:
    page.goto(page.url.split("/audits/")[0] + "/audits/")
    page.get_by_role("link", name=RETURN_LINK).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northshire Health's return")


def test_a_contributor_completes_the_return_and_the_senior_lead_submits_it(page, live_demo):
    sign_in(page, live_demo.url, "contributor@northshire-health.example", "/audits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-audit")
    expect(page.get_by_text("Demo content — not for practice").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=RETURN_LINK).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northshire Health's return")
    assert_accessible(page)

    # Complete the last section, which no one has started.
    tasks = page.locator(".govuk-task-list__item")
    last = tasks.last
    expect(last.locator(".govuk-task-list__status")).to_contain_text("Not started")
    section_name = last.locator("a").inner_text()
    last.locator("a").click()
    page.locator(".govuk-task-list__link").first.click()
    expect(page.locator(".govuk-radios__hint").first).to_be_visible()
    assert_accessible(page)
    _answer_items_until_back_on_a_section(page)
    _open_the_return(page)
    completed = page.locator(".govuk-task-list__item").filter(has_text=section_name)
    expect(completed.locator(".govuk-task-list__status")).to_have_text("Completed")

    # Then every other section, item by item.
    for _ in range(20):
        unfinished = page.locator(".govuk-task-list__item").filter(
            has_not=page.locator(".govuk-task-list__status", has_text=re.compile("^Completed$"))
        )
        if unfinished.count() == 0:
            break
        unfinished.first.locator("a").click()
        page.locator(".govuk-task-list__item").filter(has=page.locator(".govuk-tag")).first.locator(
            "a"
        ).click()
        _answer_items_until_back_on_a_section(page)
        _open_the_return(page)

    page.get_by_role("button", name="Mark ready for sign-off").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Ready for sign-off")
    page.get_by_role("button", name=re.compile("Sign out")).click()

    sign_in(page, live_demo.url, "seniorlead@northshire-health.example", "/audits/")
    page.get_by_role("link", name=RETURN_LINK).first.click()
    page.get_by_role("button", name="Check your answers and sign off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before signing off"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Sign off and submit").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("signed off")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Submitted")
    expect(page.get_by_role("button", name="Sign off and submit")).to_have_count(0)


def test_the_audits_pages_work_without_javascript(page_without_js, live_demo):
    page = page_without_js
    sign_in(page, live_demo.url, "contributor@northshire-schools.example", "/audits/")
    page.get_by_role(
        "link", name=re.compile("Northshire Schools's return|Northshire Schools")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("return")
    page.locator(".govuk-task-list__link").first.click()
    page.locator(".govuk-task-list__link").first.click()
    expect(page.get_by_text("Carried forward — confirm or update").first).to_be_visible()
    page.get_by_role("button", name=re.compile("Save and add evidence")).click()
    page.get_by_label("Search the manuals you can read").fill("supervision")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("button", name=re.compile("^Add")).first).to_be_visible()
    page.get_by_role("button", name=re.compile("^Add")).first.click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been added")


def test_the_audits_list_fits_a_small_screen(page, live_demo):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(
        page, live_demo.url, "auditlead@northshire-safeguarding-partnership.example", "/audits/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-audit")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_the_lead_reads_the_report_dashboard(page, live_demo):
    sign_in(
        page, live_demo.url, "auditlead@northshire-safeguarding-partnership.example", "/audits/"
    )
    page.get_by_role("link", name=re.compile("Section 11")).first.click()
    page.get_by_role("link", name="See the report dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report:")
    expect(page.get_by_role("img", name="Mean section scores across participants")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Mean section scores"))).to_be_visible()
    expect(page.get_by_role("heading", name="Since the previous cycle")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Spreadsheet"))).to_be_visible()
    assert_accessible(page)
    # Wide tables scroll inside their own regions; the page itself never scrolls sideways.
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the dashboard is {overflow}px too wide at {width}px"


def test_a_leader_reads_last_years_published_report(page, page_without_js, live_demo):
    leader = "leader@northshire-safeguarding-partnership.example"
    for browser_page in (page_without_js, page):
        sign_in(browser_page, live_demo.url, leader, "/audits/")
        heading = browser_page.get_by_role("heading", name="Published reports")
        heading.locator("xpath=following-sibling::ul[1]").get_by_role("link").first.click()
        expect(browser_page.get_by_role("heading", level=1)).to_contain_text("Report:")
        expect(
            browser_page.get_by_role("table", name=re.compile("Ratings by participant"))
        ).to_be_visible()
        expect(
            browser_page.get_by_role("img", name="Mean section scores across participants")
        ).to_be_visible()
        expect(browser_page.get_by_role("button", name="Publish the report")).to_have_count(0)
    assert_accessible(page)
