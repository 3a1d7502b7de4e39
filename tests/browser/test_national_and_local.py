"""Journey 5 of the product brief, accepting a pending national change, and the admin overview.

Two of these tests publish through the workflow (editor submits, approver approves) on the
live server. They ask for `transactional_db`: pytest-django empties the database after them
and the root conftest loads the demo data again, so later tests see it unchanged.
"""

import re

import pytest
from playwright.sync_api import expect

from .accounts import sign_in
from .axe import assert_accessible

pytestmark = [pytest.mark.browser]

CHAPTER = "childrens-social-care/safeguarding-and-child-protection"
STRATEGY = f"{CHAPTER}/strategy-discussions-and-section-47-enquiries/"
CONFERENCES = f"{CHAPTER}/child-protection-conferences/"
CONVENING = "section#convening-the-strategy-discussion"
# Appears nowhere in the demo data: it marks the publisher's new national text.
NEW_WORD = "Bramblewick"
NEW_PARAGRAPH = f"Each agency confirms its place through the {NEW_WORD} booking line."
PUBLISHERS_NOTE = "Agencies now confirm their place in a strategy discussion by a booking line."


@pytest.fixture
def restores_demo_data(transactional_db):
    """Asked for first, so that the database is emptied (and the demo loaded again) after
    every browser tab of the test has closed."""


@pytest.fixture
def tab_for(browser, live_demo):
    """A new browser tab, signed in as `email` (or not signed in), with its own cookies."""
    contexts = []

    def open_tab(email: str | None = None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        if email:
            sign_in(tab, live_demo.url, email, next_url="/admin/")
            expect(tab).to_have_url(re.compile(r"/admin/$"))
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def submit_for_approval(tab) -> None:
    tab.get_by_role("button", name="More actions").click()
    tab.get_by_role("button", name=re.compile(r"^Submit to ")).click()


def approve_and_publish(tab, title: str) -> None:
    """The approver opens the page from "Awaiting your review" on the dashboard."""
    awaiting = tab.get_by_role("region", name="Awaiting your review")
    awaiting.get_by_role("link", name=title, exact=True).click()
    tab.get_by_role("button", name="More actions").click()
    tab.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(tab.locator(".messages")).to_contain_text(f"'{title}' has been updated")


def test_journey_5_publisher_changes_a_national_procedure(
    restores_demo_data, tab_for, page, live_demo
):
    base = live_demo.url

    # The publisher's editor adds a paragraph to the section Northshire's local content is
    # attached to, and submits the change for approval.
    editor = tab_for("editor@national-library.example")
    editor.goto(f"{base}/admin/pages/search/?q=strategy+discussions")
    editor.get_by_role("link", name="Strategy discussions and section 47 enquiries").click()
    convening = editor.locator(
        "[contenteditable=true]", has_text="decides that a strategy discussion is needed"
    )
    convening.click()
    editor.keyboard.press("Control+End")
    editor.keyboard.press("Enter")
    editor.keyboard.type(NEW_PARAGRAPH)
    # The rich text editor copies its content into the form a moment after typing.
    expect(editor.locator(f"input[name^='body-'][value*='{NEW_WORD}']")).to_have_count(1)
    editor.get_by_role("textbox", name="Amendment note", exact=True).fill(PUBLISHERS_NOTE)
    submit_for_approval(editor)
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")

    approver = tab_for("approver@national-library.example")
    approve_and_publish(approver, "Strategy discussions and section 47 enquiries")

    page.goto(f"{base}/national-library/{STRATEGY}")
    expect(page.locator(CONVENING)).to_contain_text(NEW_PARAGRAPH)

    # Northshire applies national updates automatically: its readers see the new text at once,
    # with the publisher's note, and What's new lists it.
    page.goto(f"{base}/northshire/{STRATEGY}")
    expect(page.locator(CONVENING)).to_contain_text(NEW_PARAGRAPH)
    amendment = page.locator(".carebook-amendment")
    expect(amendment).to_contain_text(f"What changed: National update: {PUBLISHERS_NOTE}")
    expect(amendment).to_contain_text("National text: version 3 of the national procedure")
    # Its local content attached to the changed section is flagged, and still there.
    local = page.locator('section[data-origin="local"][data-organisation="northshire"]')
    expect(local).to_have_count(1)
    expect(local).to_contain_text("Northshire Council local content")
    expect(local.locator(".carebook-flag")).to_have_text(
        re.compile("Check this local content — the national section changed")
    )
    expect(local).to_contain_text("Who convenes a strategy discussion in Northshire")
    expect(local).to_contain_text("Book the discussion through the MASH duty line")
    local.get_by_text("What changed in the national section").click()
    expect(local.locator("ins")).to_contain_text(NEW_PARAGRAPH)
    # The local content still follows the section it was attached to.
    expect(page.locator(f"{CONVENING} + section")).to_have_attribute("data-origin", "local")
    assert_accessible(page)

    page.goto(f"{base}/northshire/childrens-social-care/")
    page.get_by_role("link", name="What's new").first.click()
    latest = page.locator(".carebook-changes__item").first
    expect(latest.locator(".govuk-tag")).to_have_text("National update")
    expect(latest.get_by_role("link")).to_have_text("Strategy discussions and section 47 enquiries")
    expect(latest).to_contain_text(PUBLISHERS_NOTE)
    assert_accessible(page)
    page.goto(f"{base}/northshire/childrens-social-care/search/?q={NEW_WORD}")
    expect(page.locator(".carebook-results__item h2")).to_have_text(
        ["Strategy discussions and section 47 enquiries"]
    )

    # Eastborough reviews national updates first: its readers still see the old text.
    page.goto(f"{base}/eastborough/{STRATEGY}")
    expect(page.locator(CONVENING)).to_contain_text("As a minimum, invite:")
    expect(page.locator("main")).not_to_contain_text(NEW_WORD)
    expect(page.get_by_role("region", name="National change pending")).to_have_count(0)
    expect(page.locator(".carebook-amendment")).to_contain_text(
        "National text: version 2 of the national procedure"
    )
    page.goto(f"{base}/eastborough/childrens-social-care/search/?q={NEW_WORD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search")
    expect(page.locator(".carebook-results__item")).to_have_count(0)

    # Its editors see that a national change is pending, with the redline.
    eastborough = tab_for("editor@eastborough.example")
    eastborough.goto(f"{base}/eastborough/{STRATEGY}")
    banner = eastborough.get_by_role("region", name="National change pending")
    expect(banner).to_contain_text(
        "Readers still see national version 2 until an editor accepts version 3."
    )
    expect(eastborough.locator(CONVENING)).not_to_contain_text(NEW_WORD)
    banner.get_by_text("What the publisher changed").click()
    expect(banner).to_contain_text(f"Publisher's note: {PUBLISHERS_NOTE}")
    expect(banner.locator("ins")).to_contain_text(NEW_PARAGRAPH)
    expect(banner.get_by_role("link", name="Review and accept it in the editor")).to_have_attribute(
        "href", re.compile(r"^/admin/pages/\d+/edit/$")
    )
    assert_accessible(eastborough)


def test_editor_accepts_a_pending_national_change(restores_demo_data, tab_for, page, live_demo):
    base = live_demo.url
    editor = tab_for("editor@eastborough.example")
    editor.goto(f"{base}/eastborough/{CONFERENCES}")
    banner = editor.get_by_role("region", name="National change pending")
    expect(banner).to_contain_text("Readers still see national version 2")
    banner.get_by_role("link", name="Review and accept it in the editor").click()

    # The edit page of a derived procedure: no national fields, only local ones.
    panel = editor.locator(".carebook-national-status")
    expect(panel).to_contain_text("Readers see national version 2 of this procedure")
    expect(panel).to_contain_text("version 3 is waiting for your review")
    expect(editor.locator("#id_summary")).to_have_count(0)
    expect(editor.locator("[name^='body-']")).to_have_count(0)
    expect(editor.get_by_role("checkbox", name="Hide this procedure")).not_to_be_checked()
    assert_accessible(editor, within=".carebook-national-status")

    editor.get_by_role(
        "checkbox", name=re.compile(r"^Accept national version 3, published")
    ).check()
    editor.get_by_role("textbox", name="Amendment note", exact=True).fill(
        "Accepted national version 3. Our conference rooms note now follows the section on "
        "helping parents and children take part."
    )
    # Version 3 folds "Virtual and hybrid conferences", which the local content follows, into
    # another section: the editor is told to attach it elsewhere.
    submit_for_approval(editor)
    expect(
        editor.get_by_text(
            "Local content 1 is attached to a section that is not in national version 3"
        )
    ).to_be_visible()
    editor.get_by_role("combobox", name="National section").select_option(
        label="Helping parents and children take part"
    )
    submit_for_approval(editor)
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")

    approver = tab_for("approver@eastborough.example")
    approve_and_publish(approver, "Child protection conferences")

    page.goto(f"{base}/eastborough/{CONFERENCES}")
    amendment = page.locator(".carebook-amendment")
    expect(amendment).to_contain_text("What changed: Accepted national version 3.")
    expect(amendment).to_contain_text("National text: version 3 of the national procedure")
    expect(page.locator("#the-core-group-and-the-child-protection-plan")).to_contain_text(
        "lead child protection practitioner"
    )
    expect(
        page.locator('section[data-origin="national"]#virtual-and-hybrid-conferences')
    ).to_have_count(0)
    local = page.locator('section[data-origin="local"]')
    expect(local).to_have_count(1)
    expect(local).to_contain_text("Eastborough holds hybrid conferences in the Civic Centre")
    expect(page.locator("#helping-parents-and-children-take-part + section")).to_have_attribute(
        "data-origin", "local"
    )
    # The markup contract: every local section names Eastborough, in an attribute and in a
    # visible label; every national section carries its section id; nothing else has an origin.
    for section in local.all():
        expect(section).to_have_attribute("data-organisation", "eastborough")
        expect(section.locator(".carebook-local-label")).to_have_text(
            "Eastborough Council local content"
        )
        expect(section.locator(".carebook-local-label")).to_be_visible()
    national = page.locator('section[data-origin="national"]')
    expect(national).to_have_count(5)
    for section in national.all():
        expect(section).to_have_attribute("data-section-id", re.compile(r"^[0-9a-f-]{36}$"))
    assert page.locator("[data-origin]").count() == page.locator("section[data-origin]").count()

    page.goto(f"{base}/eastborough/childrens-social-care/")
    page.get_by_role("link", name="What's new").first.click()
    latest = page.locator(".carebook-changes__item").first
    expect(latest.locator(".govuk-tag")).to_have_text("National update")
    expect(latest.get_by_role("link")).to_have_text("Child protection conferences")
    expect(latest).to_contain_text("The core group is now led by a lead child protection")

    editor.goto(f"{base}/eastborough/{CONFERENCES}")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Child protection conferences")
    expect(editor.get_by_role("region", name="National change pending")).to_have_count(0)


def open_overview(tab) -> None:
    tab.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="National and local content"
    ).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("National and local content")


def test_overview_lists_pending_national_changes_for_a_review_first_editor(tab_for):
    editor = tab_for("editor@eastborough.example")
    open_overview(editor)
    main = editor.locator("main")
    expect(main).to_contain_text("National updates: review national updates before readers see")
    pending = main.locator("table").first
    conferences = pending.get_by_role("row").filter(has_text="Child protection conferences")
    expect(conferences).to_contain_text("National version 2")
    expect(conferences).to_contain_text("Version 3")
    expect(pending).to_contain_text("Case recording")
    expect(main).to_contain_text("New national procedures offered (2)")
    expect(main.get_by_role("link", name="Restraint in children's homes")).to_be_visible()
    assert_accessible(editor)


def test_overview_lists_flagged_local_content_for_an_automatic_editor(tab_for):
    editor = tab_for("editor@northshire.example")
    open_overview(editor)
    main = editor.locator("main")
    expect(main).to_contain_text("National changes waiting for review (0)")
    flagged = main.get_by_role("table")
    expect(flagged.get_by_role("row").filter(has_text="Case recording")).to_contain_text(
        "has been removed"
    )
    expect(
        flagged.get_by_role("row").filter(has_text="Escalation and resolving professional")
    ).to_contain_text("The national section changed")
    assert_accessible(editor)


def test_overview_shows_the_publisher_who_follows_its_manual(tab_for):
    editor = tab_for("editor@national-library.example")
    open_overview(editor)
    followers = editor.get_by_role("table")
    northshire = followers.get_by_role("row").filter(has_text="Northshire Council")
    expect(northshire).to_contain_text("Apply national updates automatically")
    expect(northshire).to_contain_text("Up to date")
    eastborough = followers.get_by_role("row").filter(has_text="Eastborough Council")
    expect(eastborough).to_contain_text("Review national updates before readers see them")
    expect(eastborough).to_contain_text(re.compile(r"[1-9]\d* of \d+"))
    assert_accessible(editor)


NORTHSHIRE = "/northshire/childrens-social-care/"
EASTBOROUGH = "/eastborough/childrens-social-care/"


def test_local_content_whose_national_section_was_removed_is_kept_at_the_end(page, live_demo):
    page.goto(f"{live_demo.url}{NORTHSHIRE}assessment-and-planning/case-recording/")
    last = page.locator("section[data-origin]").last
    expect(last).to_have_attribute("data-organisation", "northshire")
    expect(last.locator(".carebook-flag")).to_have_text(
        re.compile("Check this local content — the national section it was attached to has been")
    )
    expect(last).to_contain_text("Northshire staff scan handwritten notes into the case record")
    expect(page.locator("section#handwritten-notes-and-photographs")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [
        # Local content whose national section was removed, shown at the end and flagged.
        f"{NORTHSHIRE}assessment-and-planning/case-recording/",
        # Local content in place of a national section.
        f"{EASTBOROUGH}assessment-and-planning/referrals-and-assessment/",
        # Hidden locally: readers are told why.
        f"{NORTHSHIRE}children-in-particular-circumstances/private-fostering/",
        # Local-only procedure.
        f"{NORTHSHIRE}safeguarding-and-child-protection/out-of-hours-emergency-duty-team/",
        # History and "as it stood on" of a procedure with national updates and local content.
        f"{NORTHSHIRE}children-at-risk-outside-the-home/children-missing-from-home-or-care/history/",
        f"{NORTHSHIRE}children-at-risk-outside-the-home/children-missing-from-home-or-care/"
        "?as_at=2026-07-01",
        f"{EASTBOROUGH}whats-new/",
        f"{EASTBOROUGH}whats-new/?show=national",
        f"{EASTBOROUGH}a-z/",
    ],
)
def test_pages_of_a_following_manual_pass_axe_checks(page, live_demo, path):
    page.goto(f"{live_demo.url}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
