"""The public shell and the admin, driven in a real Chromium over the demo data."""

import re

import pytest
from playwright.sync_api import expect

from carebook.core.demo import DEMO_PASSWORD

from .accounts import sign_in
from .axe import assert_accessible, axe_violations

pytestmark = [pytest.mark.browser]


def test_editor_sees_only_their_own_organisation_in_the_admin(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "editor@northshire.example", next_url="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"{base}/admin/pages/")
    explorer = page.locator("main")
    expect(explorer).to_contain_text("Northshire Council")
    expect(explorer).not_to_contain_text("Eastborough Council")
    expect(explorer).not_to_contain_text("National Procedures Library")

    # Reports list pages across organisations: closed to editors.
    expect(page.get_by_role("navigation", name="Main menu")).not_to_contain_text("Reports")
    response = page.goto(f"{base}/admin/reports/locked/")
    assert response.status == 403

    page.goto(f"{base}/")
    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    response = page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/\?next=/admin/"))


def test_public_pages_work_without_javascript(page_without_js, live_demo):
    page = page_without_js
    base = live_demo.url
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Social care procedures and self-audit"
    )
    # Without JavaScript the navigation is a plain list, not a collapsed menu.
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="Northshire Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northshire Council")
    expect(page.locator(".carebook-header__name")).to_have_text("Northshire Council")
    expect(page.get_by_text("Demo content — not for practice").first).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("reader@northshire.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct email address and password"
    )
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/northshire/$"))
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()

    page.goto(f"{base}/accessibility/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    page.goto(f"{base}/privacy/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/northshire/",
        "/no-such-organisation/",
        "/account/sign-in/",
        "/accessibility/",
        "/privacy/",
    ],
)
def test_pages_pass_axe_checks(page, live_demo, path):
    page.goto(f"{live_demo.url}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


def test_sign_in_errors_pass_axe_checks(page, live_demo):
    page.goto(f"{live_demo.url}/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)


def test_phone_width_menu_opens_with_javascript(page, live_demo):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_demo.url}/northshire/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_axe_check_finds_a_real_problem(page):
    # Guards the guard: a page with an unlabelled image and no language must fail.
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "html-has-lang", "label"} <= ids
