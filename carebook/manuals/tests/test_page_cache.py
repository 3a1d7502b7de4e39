"""The cached main part of a procedure page is never stale, and never skips an access check."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.manuals.models import GlossaryTerm, Manual, RelatedProcedure

from .factories import make_chapter, make_manual, make_procedure, republish, section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def procedure(chapter):
    return make_procedure(
        chapter,
        title="Referrals and assessment",
        sections=[section("Purpose", "<p>Open a child in need plan.</p>")],
        review_date=timezone.localdate() + dt.timedelta(days=10),
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_procedure_page_needs_few_queries(client, procedure, django_assert_max_num_queries):
    page(client, procedure.url)
    # Site, platform home, the route's one query, view restrictions, latest version, related.
    with django_assert_max_num_queries(6):
        page(client, procedure.url)


def test_a_new_version_is_shown_at_once(client, procedure):
    assert "<p>Open a " in page(client, procedure.url)
    republish(procedure, note="Clearer.", body=[section("Purpose", "<p>Phone the duty team.</p>")])
    html = page(client, procedure.url)
    assert "Phone the duty team." in html and "<p>Open a " not in html


def test_a_changed_glossary_definition_is_shown_at_once(client, manual, procedure):
    assert "A child who needs services to be safe and well." in page(client, procedure.url)
    manual = Manual.objects.get(pk=manual.pk)
    GlossaryTerm.objects.filter(manual=manual).update(definition="A newer definition.")
    manual.save_revision().publish()
    html = page(client, procedure.url)
    assert 'title="A newer definition."' in html
    assert "A child who needs services to be safe and well." not in html


def test_a_renamed_chapter_or_organisation_is_shown_at_once(client, org, chapter, procedure):
    page(client, procedure.url)
    chapter.title = "Front door"
    chapter.save_revision().publish()
    assert '<span class="govuk-caption-l">Front door</span>' in page(client, procedure.url)
    org.name = "Testshire County Council"
    org.save()
    # The organisation is read with the page on every request (it brands the page).
    assert "– Testshire County Council</title>" in page(client, procedure.url)


def test_a_related_procedures_new_title_or_withdrawal_is_shown_at_once(client, chapter, procedure):
    other = make_procedure(chapter, title="Case recording")
    procedure = republish(procedure, note="Linked.", related_links=[RelatedProcedure(target=other)])
    assert ">Case recording</a>" in page(client, procedure.url)
    republish(other, note="Renamed.", title="Recording casework")
    html = page(client, procedure.url)
    assert ">Recording casework</a>" in html and ">Case recording</a>" not in html
    other.refresh_from_db()
    other.unpublish()
    assert "Recording casework" not in page(client, procedure.url)


def test_the_review_warning_follows_the_day_not_the_cache(client, procedure, monkeypatch):
    assert "was due for review" not in page(client, procedure.url)
    later = timezone.localdate() + dt.timedelta(days=11)
    monkeypatch.setattr("carebook.manuals.views.timezone.localdate", lambda: later)
    assert "was due for review" in page(client, procedure.url)


def test_a_cached_staff_only_page_is_still_refused_to_outsiders(client, org):
    manual = make_manual(org, title="Staff handbook", slug="staff-handbook", visibility="staff")
    url = make_procedure(make_chapter(manual, slug="people"), title="Lone working").url
    member = create_user(email="member@example.org", password=None)
    add_membership(user=member, organisation=org, role=Role.READER)
    client.force_login(member)
    page(client, url)  # now in the cache
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")
    client.force_login(create_user(email="outsider@example.org", password=None))
    assert client.get(url).status_code == 404


def test_a_hidden_procedure_is_not_served_from_the_cache(client, procedure):
    page(client, procedure.url)
    procedure.hidden_locally = True
    procedure.hidden_reason = "We use our own."
    procedure.save()
    response = client.get(procedure.url)
    assert response.status_code == 404
    assert "We use our own." in response.content.decode()


def test_wagtail_privacy_settings_on_an_ancestor_still_apply(client, manual, procedure):
    page(client, procedure.url)  # now in the cache
    PageViewRestriction.objects.create(page=manual, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(procedure.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_a_release_with_changed_templates_does_not_read_older_parts(client, procedure, monkeypatch):
    from carebook.manuals import views

    assert "<p>Open a " in page(client, procedure.url)
    # Another release's templates: its key differs, so the part is rendered again, not read.
    monkeypatch.setattr(views, "templates_fingerprint", lambda: "another-release")
    monkeypatch.setattr(views, "render_to_string", lambda *args, **kwargs: "<p>Rendered anew</p>")
    assert "Rendered anew" in page(client, procedure.url)


def test_the_templates_fingerprint_follows_the_template_files():
    from carebook.manuals.views import templates_fingerprint

    assert templates_fingerprint() == templates_fingerprint.__wrapped__()
    assert len(templates_fingerprint()) == 16
