"""Journey 7 in part: the audit lead moderates an item of a submitted return and verifies an
action, with axe on the moderation, challenge and action plan pages."""

import re

import pytest
from playwright.sync_api import expect

from .accounts import sign_in
from .axe import assert_accessible

pytestmark = [pytest.mark.browser]

LEAD = "auditlead@northshire-safeguarding-partnership.example"
CURRENT_AUDIT = re.compile(r"Section 11 self-assessment \d{4}–\d{2}")


def _open_current_audit(page, base_url: str) -> None:
    sign_in(page, base_url, LEAD, "/audits/")
    page.get_by_role("link", name=CURRENT_AUDIT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CURRENT_AUDIT)


def test_the_lead_moderates_an_item_of_a_submitted_return(page, live_demo):
    _open_current_audit(page, live_demo.url)
    page.get_by_role("link", name=re.compile(r"Northshire Council\s*'s return")).click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Submitted")
    # The second section's first item: the demo has not moderated it.
    page.locator(".govuk-task-list__link").nth(1).click()
    page.locator(".govuk-task-list__link").first.click()
    page.get_by_role("link", name=re.compile("^Moderate ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moderate")
    expect(page.locator(".govuk-radios__hint").first).to_be_visible()
    assert_accessible(page)

    # No rationale: a form error, and nothing saved.
    page.get_by_label("2: Emerging").check()
    page.get_by_role("button", name="Save the moderated rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the rationale")
    assert_accessible(page)

    # Likely personal data: refused, with a box to confirm it, until it is changed or confirmed.
    page.get_by_label("Rationale").fill("Browser test: ring 07700 900123 about the file.")
    page.get_by_role("button", name="Save the moderated rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Rationale may contain personal data (a UK phone number)"
    )
    expect(page.get_by_label(re.compile("^I have checked this text"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Rationale").fill("Browser test: the panel saw partial evidence only.")
    page.get_by_role("button", name="Save the moderated rating").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("moderated rating")
    # Both ratings are shown on the item.
    page.locator(".govuk-task-list__link").nth(1).click()
    page.locator(".govuk-task-list__link").first.click()
    expect(page.get_by_text("Browser test: the panel saw partial evidence only.")).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Self rating")

    page.get_by_role("link", name=CURRENT_AUDIT).first.click()
    page.get_by_role("link", name="Challenge events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Challenge events")
    assert_accessible(page)


def test_the_lead_verifies_an_action_on_the_action_plan(page, live_demo):
    _open_current_audit(page, live_demo.url)
    page.get_by_role("link", name="Action plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan")
    # Overdue actions stand out and come first.
    first_row = page.locator(".govuk-table__body .govuk-table__row").first
    expect(first_row).to_contain_text("Overdue")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("joint escalation protocol")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action")
    assert_accessible(page)
    page.get_by_role("button", name="Verify and close the action").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("verified")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Verified and closed")
    expect(page.get_by_role("button", name="Verify and close the action")).to_have_count(0)

    page.get_by_role("link", name="Back to the action plan").click()
    page.get_by_label("Status").select_option("verified")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".govuk-table")).to_contain_text("joint escalation protocol")
    assert_accessible(page)
