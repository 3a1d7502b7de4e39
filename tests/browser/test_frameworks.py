"""The framework page and the admin upload page, in a real browser, with axe checks."""

import re

import pytest
from playwright.sync_api import expect

from .accounts import sign_in
from .axe import assert_accessible

pytestmark = [pytest.mark.browser]


def test_framework_page_is_readable_and_accessible(page, live_demo):
    sign_in(page, live_demo.url, "contributor@northshire-police.example")
    page.goto(f"{live_demo.url}/audits/frameworks/cscip-2017-social-work-practice/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good social work systems")
    expect(page.get_by_role("heading", name="Rating scale")).to_be_visible()
    expect(page.get_by_text("12 items (12 rated)")).to_be_visible()
    assert_accessible(page)


def test_admin_upload_page_refuses_a_faulty_file_accessibly(page, live_demo, tmp_path):
    sign_in(page, live_demo.url, "admin@carebook.example", next_url="/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(f"{live_demo.url}/admin/frameworks/")
    assert_accessible(page, within="main")
    faulty = tmp_path / "faulty.yaml"
    faulty.write_text("carebook_framework: 1\nref: 1.10\n")
    page.get_by_label("Framework file").set_input_files(str(faulty))
    page.get_by_role("button", name="Upload framework").click()
    alert = page.locator("#framework-problems")
    expect(alert).to_contain_text("nothing was written")
    expect(alert).to_contain_text('1.10 is a number, not text: put it in quotes (ref: "1.10")')
    assert_accessible(page, within="main")
