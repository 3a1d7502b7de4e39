import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.manuals.models import ProcedureVersion

from .factories import make_chapter, make_manual, make_procedure, republish, section

pytestmark = pytest.mark.django_db
SID = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def procedure(chapter):
    return make_procedure(
        chapter,
        title="Referrals and assessment",
        sections=[
            section("Purpose", "<p>How to respond when a child in need is referred.</p>", SID),
            section("Timescales", "<p>Decide within one working day.</p>"),
        ],
        scope="<p>All social workers.</p>",
        keywords="referral, assessment",
        audience=["childrens-social-work"],
        owner_role="Principal Social Worker",
        review_date=timezone.localdate() + dt.timedelta(days=200),
    )


def test_procedure_page_shows_what_a_practitioner_needs(client, procedure):
    html = client.get(procedure.url).content.decode()
    assert '<h1 class="govuk-heading-xl">Referrals and assessment</h1>' in html
    assert "Version 1, published" in html and "First published." in html
    assert 'aria-labelledby="contents-heading"' in html and 'href="#timescales"' in html
    assert (
        '<section id="purpose" class="carebook-section carebook-section--local" '
        'data-origin="local" data-organisation="testshire" '
        'data-section-id="' + SID + '">' in html
    )
    assert "All social workers." in html and "Children&#x27;s social work" in html
    assert "Principal Social Worker" in html
    assert 'class="govuk-breadcrumbs"' in html and ">Testshire Council</a>" in html
    assert "carebook-glossary-link" in html
    assert "due for review" not in html


def test_publishers_sections_are_national(publisher, client):
    manual = make_manual(publisher, slug="base")
    page = make_procedure(
        make_chapter(manual), title="National one", sections=[section("Purpose", "<p>x</p>", SID)]
    )
    html = client.get(page.url).content.decode()
    assert f'data-origin="national" data-section-id="{SID}"' in html
    assert "data-organisation=" not in html


def test_overdue_review_shows_a_warning(client, procedure):
    republish(
        procedure,
        note="Review date corrected.",
        significance="minor",
        review_date=timezone.localdate() - dt.timedelta(days=3),
    )
    html = client.get(procedure.url).content.decode()
    assert "was due for review on" in html


def test_manual_home_lists_chapters_with_new_and_updated_tags(client, manual, chapter, procedure):
    old = make_procedure(chapter, title="Supervision")
    ProcedureVersion.objects.filter(procedure=old).update(
        published_at=timezone.now() - dt.timedelta(days=90)
    )
    html = client.get(manual.url).content.decode()
    assert "Test chapter" in html and "Referrals and assessment" in html
    assert html.count(">New</strong>") >= 1
    republish(old, note="Rewritten.")
    html = client.get(manual.url).content.decode()
    assert ">Updated</strong>" in html


def test_history_lists_versions_and_redline_marks_words(client, procedure):
    republish(
        procedure,
        note="One working day became same day.",
        body=[
            section("Purpose", "<p>How to respond when a child in need is referred.</p>", SID),
            section("Decisions", "<p>Decide the same day.</p>"),
        ],
    )
    html = client.get(f"{procedure.url}history/").content.decode()
    assert "Version 2" in html and "One working day became same day." in html
    html = client.get(f"{procedure.url}history/?from=1&to=2").content.decode()
    assert "Section removed" in html and "New section" in html
    assert '<ins><span class="govuk-visually-hidden">Added: </span>' in html
    assert "No change" in html


@pytest.mark.parametrize("query", ["?from=1&to=9", "?from=x&to=1", "?from=&to=", "?to=1"])
def test_bad_history_comparisons_are_400_with_a_reason(client, procedure, query):
    response = client.get(f"{procedure.url}history/{query}")
    assert response.status_code == 400
    assert "version" in response.content.decode()


def test_as_at_across_three_versions(client, procedure):
    london = timezone.get_current_timezone()
    dates = [
        dt.datetime(2026, 1, 10, 10, tzinfo=london),
        dt.datetime(2026, 3, 5, 23, 30, tzinfo=london),
    ]
    republish(procedure, note="Second.", summary="Second summary")
    republish(procedure, note="Third.", summary="Third summary")
    versions = list(procedure.versions.order_by("number"))
    ProcedureVersion.objects.filter(pk=versions[0].pk).update(published_at=dates[0])
    ProcedureVersion.objects.filter(pk=versions[1].pk).update(published_at=dates[1])

    def summary_on(day):
        response = client.get(f"{procedure.url}?as_at={day}")
        assert response.status_code == 200, response.content
        return response.content.decode()

    assert "What" in summary_on("2026-01-10") and "(version 1)" in summary_on("2026-01-10")
    assert "(version 1)" in summary_on("2026-03-04")
    assert "(version 2)" in summary_on("2026-03-05")  # 23:30 London is still that day
    assert "Second summary" in summary_on("2026-03-05")
    today = timezone.localdate().isoformat()
    html = summary_on(today)
    assert "(version 3)" in html and "Third summary" in html
    assert "Read the current version" in html


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-1-1", "", "2026-02-30x"])
def test_malformed_as_at_is_400(client, procedure, value):
    response = client.get(f"{procedure.url}?as_at={value}")
    assert response.status_code == 400
    assert "year-month-day" in response.content.decode()


def test_future_as_at_is_400(client, procedure):
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.get(f"{procedure.url}?as_at={future}")
    assert response.status_code == 400 and "in the future" in response.content.decode()


def test_as_at_before_first_publication_is_404_naming_the_date(client, procedure):
    response = client.get(f"{procedure.url}?as_at=2001-01-01")
    assert response.status_code == 404
    assert "was first published on" in response.content.decode()


def test_as_at_after_withdrawal_is_404_naming_the_date(client, procedure):
    url = procedure.url
    procedure.unpublish()
    response = client.get(f"{url}?as_at={timezone.localdate().isoformat()}")
    assert response.status_code == 404
    assert "was withdrawn on" in response.content.decode()
    response = client.get(url)
    assert response.status_code == 404 and "has been withdrawn" in response.content.decode()
    assert client.get(f"{url}history/").status_code == 200


def test_whats_new_groups_by_month_and_feed_is_valid_atom(client, manual, procedure):
    republish(procedure, note="Added a section on holidays.")
    republish(procedure, note="Typo.", significance="minor")
    html = client.get(f"{manual.url}whats-new/").content.decode()
    assert "Added a section on holidays." in html and "Typo." not in html
    assert timezone.localdate().strftime("%B %Y") in html

    response = client.get(f"{manual.url}feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ns)
    assert len(entries) == 2
    assert all(e.find("a:id", ns).text and e.find("a:updated", ns).text for e in entries)
    assert entries[0].find("a:summary", ns).text == "Added a section on holidays."


def test_a_to_z_lists_keywords_and_glossary_terms_with_procedures(client, manual, procedure):
    html = client.get(f"{manual.url}a-z/").content.decode()
    assert "referral" in html and "child in need" in html.lower()
    assert 'id="glossary-child-in-need"' in html
    assert procedure.url in html


@pytest.fixture
def staff_manual(org):
    manual = make_manual(org, title="Staff handbook", slug="staff-handbook", visibility="staff")
    make_procedure(make_chapter(manual, slug="people"), title="Lone working")
    return manual


def test_staff_only_manual_asks_anonymous_readers_to_sign_in(client, staff_manual):
    for url in (
        staff_manual.url,
        f"{staff_manual.url}people/lone-working/",
        f"{staff_manual.url}whats-new/",
        f"{staff_manual.url}feed.atom",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/?next=")


def test_staff_only_manual_is_404_for_non_members_and_open_to_members(client, org, staff_manual):
    outsider = create_user(email="outsider@example.org", password=None)
    client.force_login(outsider)
    assert client.get(f"{staff_manual.url}people/lone-working/").status_code == 404
    member = create_user(email="member@example.org", password=None)
    add_membership(user=member, organisation=org, role=Role.READER)
    client.force_login(member)
    assert client.get(f"{staff_manual.url}people/lone-working/").status_code == 200


def test_staff_only_manual_is_not_listed_for_outsiders(client, org, manual, staff_manual):
    html = client.get("/").content.decode()
    assert "Test manual" in html and "Staff handbook" not in html
    html = client.get(org.home_page.url).content.decode()
    assert "Staff handbook" not in html


def test_reserved_slugs_are_refused_for_manuals_and_chapters(org, manual):
    from django.core.exceptions import ValidationError

    from carebook.manuals.models import Chapter, Manual

    for page, parent in (
        (Manual(title="x", slug="search"), org.home_page),
        (Chapter(title="x", slug="whats-new"), manual),
    ):
        with pytest.raises(ValidationError) as error:
            parent.add_child(instance=page)
        assert "slug" in error.value.message_dict
