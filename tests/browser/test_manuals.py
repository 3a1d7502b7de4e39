"""Journeys 1, 2 and 6 of the product brief, and every kind of manual page under axe."""

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible

pytestmark = [pytest.mark.browser]

MANUAL = "/national-library/childrens-social-care/"
REFERRALS = f"{MANUAL}assessment-and-planning/referrals-and-assessment/"


def test_journey_1_browse_to_a_procedure_and_read_it(page, live_demo):
    page.goto(f"{live_demo.url}/")
    page.get_by_role("link", name="Children's Social Care Procedures").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's Social Care Procedures")
    page.get_by_role("link", name="Assessment and planning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment and planning")
    page.get_by_role("link", name="Referrals and assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals and assessment")
    amendment = page.locator(".carebook-amendment")
    expect(amendment).to_contain_text(re.compile(r"Version \d+, published"))
    expect(amendment).to_contain_text("What changed:")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(
        "Assessment and planning"
    )
    expect(page.get_by_role("heading", name="Related procedures")).to_be_visible()
    related = page.get_by_role("complementary").filter(has_text="Related procedures")
    expect(related.get_by_role("link").first).to_be_visible()
    # National sections carry the markup contract.
    sections = page.locator('section[data-origin="national"][data-section-id]')
    assert sections.count() >= 4
    # The printable copy is a PDF stamped with the version and the print date.
    pdf_href = page.get_by_role("link", name="Download as PDF").get_attribute("href")
    pdf = page.request.get(f"{live_demo.url}{pdf_href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    # A glossary term links to its definition in the A to Z.
    glossary_link = page.locator("a.carebook-glossary-link").first
    expect(glossary_link).to_be_visible()
    glossary_link.click()
    expect(page).to_have_url(re.compile(r"/a-z/#glossary-"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A to Z")


def test_journey_2_search_finds_abbreviations_and_long_forms(page, live_demo):
    page.goto(f"{live_demo.url}{MANUAL}")
    page.get_by_label("Search this manual").fill("cse missing from home")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".carebook-results__item")
    expect(results.first).to_be_visible()
    titles = [t.strip() for t in results.locator("h2").all_inner_texts()]
    assert "Children missing from home or care" in titles[:3], titles
    expect(page.locator(".carebook-results mark").first).to_be_visible()
    expect(page.get_by_text("Also searched for")).to_contain_text("child sexual exploitation")

    page.get_by_label("Search for").fill("looked after children")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Also searched for")).to_contain_text("LAC")

    # Hostile input gives a normal page.
    page.get_by_label("Search for").fill('"unbalanced AND NOT (NEAR( -- ; DROP TABLE')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search")


def test_journey_6_read_a_procedure_as_it_stood_on_a_past_date(page, live_demo):
    page.goto(f"{live_demo.url}{REFERRALS}history/")
    versions = page.locator(".carebook-versions__item")
    assert versions.count() >= 3
    versions.last.get_by_role("link", name=re.compile("Read as it stood on")).click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("as it stood on")
    expect(banner).to_contain_text("(version 1)")
    expect(banner).to_contain_text("It has changed since.")
    banner.get_by_role("link", name="Read the current version").click()
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)

    page.goto(f"{live_demo.url}{REFERRALS}?as_at=31-12-2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carebook could not use that date")


def test_walkthrough_home_manual_procedure_search_whats_new(page_without_js, live_demo):
    page = page_without_js
    page.goto(f"{live_demo.url}/")
    page.get_by_role("link", name="National Procedures Library").click()
    page.get_by_role("link", name="Children's Social Care Procedures").click()
    page.get_by_role("link", name="Private fostering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Private fostering")
    page.get_by_role("link", name="Children's Social Care Procedures").click()
    page.get_by_label("Search this manual").fill("private fostering notification")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".carebook-results__item").first).to_contain_text("Private fostering")
    page.goto(f"{live_demo.url}{MANUAL}")
    page.get_by_role("link", name="What's new").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What's new")
    expect(page.locator(".carebook-changes__item").first).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        MANUAL,
        f"{MANUAL}assessment-and-planning/",
        REFERRALS,
        f"{REFERRALS}history/",
        f"{REFERRALS}history/?from=1&to=3",
        f"{REFERRALS}?as_at=2026-06-01",
        f"{REFERRALS}?as_at=not-a-date",
        f"{MANUAL}whats-new/",
        f"{MANUAL}a-z/",
        f"{MANUAL}search/?q=cse+missing",
        f"{MANUAL}search/?q=zzzzqqq",
        "/national-library/search/?q=section+47",
    ],
)
def test_manual_pages_pass_axe_checks(page, live_demo, path):
    page.goto(f"{live_demo.url}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
