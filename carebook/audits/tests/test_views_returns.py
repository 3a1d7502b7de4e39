"""Completing, checking and signing off a return as its people do: limits on what they write,
checking answers before sign-off, sending back with a reason, warnings they can act on."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.audits import services_audits as services
from carebook.audits.forms_audits import STALE_FORM
from carebook.audits.models import Evidence, PersonalDataWarning, Response
from carebook.organisations.models import Organisation, OrganisationKind

from .conftest import PARTNERSHIP, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(audit):
    return audit.framework_version.items.filter(assessable=True).first()


@pytest.fixture
def base(audit, police):
    return f"/audits/{audit.pk}/returns/{police.pk}/"


@pytest.fixture
def item_url(base, item):
    return f"{base}items/{item.pk}/"


@pytest.fixture
def contributor(client):
    user = login("contributor", "northshire-police")
    client.force_login(user)
    return user


def page_of(response) -> str:
    return response.content.decode()


def error_links(page: str) -> list[str]:
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', summary)


def complete(participant, user, *, narrative="Monthly supervision, recorded.") -> None:
    for item in participant.audit.framework_version.items.filter(assessable=True):
        existing = participant.responses.filter(item=item).first()
        services.save_response(
            user=user,
            participant=participant,
            item=item,
            expected_version=existing.version if existing else 0,
            rating_value=3,
            not_applicable=False,
            not_applicable_reason="",
            narrative=narrative,
            sufficiency="Quarterly audit.",
        )


# 1. Length limits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, limit, message",
    [
        ("narrative", 10_000, "What we do must be 10,000 characters or fewer"),
        ("sufficiency", 10_000, "How do we know? must be 10,000 characters or fewer"),
        (
            "not_applicable_reason",
            2_000,
            "If it does not apply, why not? must be 2,000 characters or fewer",
        ),
    ],
)
def test_over_long_text_is_refused_naming_the_field(
    client, contributor, item_url, police, field, limit, message
):
    data = {"rating": "na" if field == "not_applicable_reason" else "3", "version": "0"}
    data[field] = "x" * (limit + 1)
    response = client.post(item_url, data)
    assert response.status_code == 400
    page = page_of(response)
    assert message in page and f'href="#id_{field}"' in page
    assert not Response.objects.filter(participant=police).exists()
    data[field] = "x" * limit
    assert client.post(item_url, data).status_code == 302


def test_the_service_refuses_over_long_text_too(contributor, police, item):
    with pytest.raises(ValidationError) as refused:
        services.save_response(
            user=contributor,
            participant=police,
            item=item,
            expected_version=0,
            rating_value=3,
            not_applicable=False,
            not_applicable_reason="",
            narrative="x" * 2_000_000,
            sufficiency="",
        )
    assert (
        "What we do must be 10,000 characters or fewer" in refused.value.message_dict["narrative"]
    )


def test_text_fields_are_govuk_character_counts_that_work_without_javascript(
    client, contributor, item_url
):
    page = page_of(client.get(item_url))
    assert page.count('data-module="govuk-character-count"') == 3
    assert 'data-maxlength="10000"' in page and 'data-maxlength="2000"' in page
    assert "You can enter up to 10,000 characters" in page
    assert "You can enter up to 2,000 characters" in page
    # No maxlength attribute: a long paste is shown and counted, not silently cut.
    assert not re.search(r"\smaxlength=", page)


# 2. Checking answers before signing off; sending back with a reason ----------------------------


@pytest.fixture
def ready(audit, police, contributor):
    complete(police, contributor)
    services.add_link_evidence(
        user=contributor,
        participant=police,
        item=audit.framework_version.items.filter(assessable=True).first(),
        url="https://example.org/supervision-audit",
        title="Supervision audit 2026",
    )
    services.mark_ready_for_sign_off(user=contributor, participant=police)
    return police


@pytest.fixture
def senior(client):
    user = login("seniorlead", "northshire-police")
    client.force_login(user)
    return user


def test_signing_off_goes_through_the_check_your_answers_page(client, ready, senior, base):
    page = page_of(client.get(base))
    assert f'href="{base}sign-off/"' in page and "Check your answers and sign off" in page

    page = page_of(client.get(f"{base}sign-off/"))
    assert "Check your answers before signing off" in page
    assert "3: Established" in page and "Monthly supervision, recorded." in page
    assert "Quarterly audit." in page and "Supervision audit 2026" in page
    assert "First section" in page and "Second section" in page

    # A POST without the confirmation from that page only leads back to it.
    response = client.post(f"{base}sign-off/")
    assert response.status_code == 302 and response["Location"] == f"{base}sign-off/"
    ready.refresh_from_db()
    assert ready.status == "ready_for_sign_off"

    response = client.post(f"{base}sign-off/", {"confirm": "sign-off"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "submitted" and ready.submitted_by == senior
    page = page_of(client.get(base))
    assert "Submitted on " in page and f"by Senior lead Northshire Police ({senior.email})" in page


def test_sending_back_needs_a_reason_that_contributors_then_see(
    client, ready, senior, base, contributor
):
    client.force_login(senior)
    assert "What do the contributors need to change?" in page_of(client.get(f"{base}send-back/"))
    response = client.post(f"{base}send-back/", {"reason": "  "})
    assert response.status_code == 400
    assert "Enter what the contributors need to change" in page_of(response)
    ready.refresh_from_db()
    assert ready.status == "ready_for_sign_off"

    response = client.post(f"{base}send-back/", {"reason": "Add the 2026 audit figures to 2.1."})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "in_progress" and ready.sent_back_by == senior

    client.force_login(contributor)
    page = page_of(client.get(base))
    assert "Sent back to contributors" in page and "Add the 2026 audit figures to 2.1." in page


def test_a_contributor_cannot_open_the_sign_off_pages(client, ready, contributor, base):
    assert client.get(f"{base}sign-off/").status_code == 403
    assert client.post(f"{base}send-back/", {"reason": "No"}).status_code == 403


# 3. Save and add evidence ---------------------------------------------------------------------


def test_save_and_add_evidence_saves_the_answer_first(client, contributor, item_url, police, item):
    page = page_of(client.get(item_url))
    assert 'name="save_and_evidence"' in page and "Add or remove evidence" not in page
    response = client.post(
        item_url,
        {"rating": "2", "narrative": "Typed first", "version": "0", "save_and_evidence": "1"},
    )
    assert response.status_code == 302 and response["Location"] == f"{item_url}evidence/"
    assert Response.objects.get(participant=police, item=item).narrative == "Typed first"


def test_save_and_add_evidence_stops_for_bad_answers_and_personal_data(
    client, contributor, item_url, police
):
    response = client.post(item_url, {"rating": "na", "version": "0", "save_and_evidence": "1"})
    assert response.status_code == 400
    response = client.post(
        item_url,
        {
            "rating": "2",
            "narrative": "Ring 0161 496 0000",
            "version": "0",
            "save_and_evidence": "1",
        },
    )
    assert response.status_code == 200 and "Check for personal data" in page_of(response)
    assert not Response.objects.filter(participant=police).exists()


# 4. Personal data warnings a person can act on ------------------------------------------------


def test_the_personal_data_warning_links_to_each_field_by_its_label(client, contributor, item_url):
    response = client.post(
        item_url,
        {
            "rating": "2",
            "narrative": "Email jo.bloggs@example.org",
            "sufficiency": "Call 0161 496 0000",
            "version": "0",
        },
    )
    page = page_of(response)
    assert "<title>Warning: " in page
    assert 'role="alert"' in page and 'data-module="govuk-error-summary"' in page
    assert '<a href="#id_narrative">What we do: an e-mail address</a>' in page
    assert '<a href="#id_sufficiency">How do we know?: a UK phone number</a>' in page
    confirm = page.split('<legend class="govuk-fieldset__legend', 1)
    assert len(confirm) == 2 and "Confirm the text is needed" in page
    assert 'aria-describedby="confirm_personal_data-hint"' in page


@pytest.fixture
def private(settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    return tmp_path / "audit-evidence"


@pytest.mark.parametrize("name", ["contacts.csv", "notes.txt"])
def test_text_files_are_scanned_for_personal_data_and_confirmed_like_text(
    client, contributor, item_url, private, police, name
):
    data = b"team,contact\nduty,jo.bloggs@example.org\n"

    def post(**extra):
        return client.post(
            f"{item_url}evidence/",
            {"action": "upload", "upload-file": SimpleUploadedFile(name, data), **extra},
        )

    page = page_of(post())
    assert "Check for personal data" in page and "<title>Warning: " in page
    assert '<a href="#id_upload-file">The file&#x27;s contents: an e-mail address</a>' in page
    assert 'name="upload-confirm_personal_data"' in page
    assert not Evidence.objects.filter(response__participant=police).exists()

    assert post(**{"upload-confirm_personal_data": "on"}).status_code == 302
    evidence = Evidence.objects.get(response__participant=police)
    warning = PersonalDataWarning.objects.get(response=evidence.response)
    assert warning.findings[0]["field"] == "file"


# 8. Not applicable, and empty saves ----------------------------------------------------------


def test_the_reason_is_revealed_under_not_applicable(client, contributor, item_url):
    page = page_of(client.get(item_url))
    assert 'value="na" data-aria-controls="conditional-not-applicable"' in page
    reveal = page.split('id="conditional-not-applicable"', 1)
    assert "govuk-radios__conditional--hidden" in reveal[0].rsplit("<div", 1)[1]
    assert 'name="not_applicable_reason"' in reveal[1].split("</fieldset>", 1)[0]


def test_a_reason_sent_with_a_rating_is_not_kept_or_checked(
    client, contributor, item_url, police, item
):
    response = client.post(
        item_url,
        {"rating": "3", "not_applicable_reason": "Ask jo.bloggs@example.org", "version": "0"},
    )
    assert response.status_code == 302
    saved = Response.objects.get(participant=police, item=item)
    assert saved.rating.value == 3 and saved.not_applicable_reason == ""


def test_an_empty_save_keeps_a_carried_forward_answer(client, contributor, item_url, police, item):
    level = item.framework_version.scale_levels.get(value=2)
    Response.objects.create(
        participant=police, item=item, rating=level, narrative="Last year", carried_forward=True
    )
    response = client.post(item_url, {"version": "1", "save": "1"}, follow=True)
    assert "the form was empty, so the answer already there has been kept" in page_of(response)
    kept = Response.objects.get(participant=police, item=item)
    assert kept.narrative == "Last year" and kept.rating == level and kept.carried_forward


def test_an_empty_save_with_no_answer_says_there_is_nothing_to_save(
    client, contributor, item_url, police
):
    response = client.post(item_url, {"version": "0", "save": "1"}, follow=True)
    assert "Nothing to save" in page_of(response)
    assert not Response.objects.filter(participant=police).exists()


# 9. Conflicts -------------------------------------------------------------------------------


def test_a_conflict_names_the_person_and_offers_both_versions(
    client, contributor, item_url, police, item
):
    colleague = login("seniorlead", "northshire-police")
    services.save_response(
        user=colleague,
        participant=police,
        item=item,
        expected_version=0,
        rating_value=2,
        not_applicable=False,
        not_applicable_reason="",
        narrative="Their words",
        sufficiency="",
    )
    response = client.post(item_url, {"rating": "4", "narrative": "My words", "version": "0"})
    assert response.status_code == 409
    page = page_of(response)
    assert f"({colleague.email}) saved it at" in page
    assert "Use my version" in page and "Keep their version" in page
    assert f'href="{item_url}"' in page  # keeping theirs reloads the saved answer
    assert "<table" not in page  # the comparison stacks on small screens


@pytest.mark.parametrize("data", [{}, {"version": "abc", "rating": "3"}, {"version": "-1"}])
def test_an_empty_or_tampered_post_is_a_form_error_not_a_conflict(
    client, contributor, item_url, police, data
):
    response = client.post(item_url, data)
    assert response.status_code == 400
    page = page_of(response)
    assert STALE_FORM in page.replace("&#x27;", "'")
    assert "changed by someone else" not in page
    assert "#id_version" not in error_links(page)
    assert not Response.objects.filter(participant=police).exists()


# 10, 11. Inviting and starting --------------------------------------------------------------


def test_the_invite_list_leaves_out_the_lead_those_invited_and_publishers(client, lead, audit):
    client.force_login(lead)
    page = page_of(client.get(f"/audits/{audit.pk}/"))
    options = page.split('name="organisation"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose an organisation</option>' in options
    names = set(re.findall(r">([^<]+)</option>", options))
    assert PARTNERSHIP not in names and "Northshire Safeguarding Children Partnership" not in names
    assert "Northshire Police" not in names and "Northshire Health" not in names
    publishers = Organisation.objects.filter(kind=OrganisationKind.PUBLISHER)
    assert publishers.exists()
    assert not names & set(publishers.values_list("name", flat=True))
    assert "Northshire Schools" in names


def test_starting_an_audit_chooses_no_framework_and_takes_day_month_year(
    client, lead, framework_version, org
):
    client.force_login(lead)
    page = page_of(client.get("/audits/new/"))
    assert '<option value="" selected>Choose a framework</option>' in page
    assert "For example, 31 3 2027" in page
    response = client.post(
        "/audits/new/",
        {
            "lead_organisation": org(PARTNERSHIP).pk,
            "framework_version": framework_version.pk,
            "title": "Dates as people type them",
            "period_start": "1 4 2026",
            "period_end": "31/3/2027",
            "due_date": "30 6 2026",
        },
    )
    assert response.status_code == 302
    response = client.post("/audits/new/", {"lead_organisation": org(PARTNERSHIP).pk})
    assert "Select a framework" in page_of(response)


# 12. The return page's wording --------------------------------------------------------------


def test_the_return_page_speaks_to_each_reader(client, contributor, lead, base, audit):
    page = page_of(client.get(base))
    assert "You have answered 0 of 2 items" in page
    assert f"(version {audit.framework_version.version})" in page
    client.force_login(lead)
    page = page_of(client.get(base))
    assert "You have answered" not in page and "0 of 2 items answered" in page


# 13, 14. Frameworks and procedure search ----------------------------------------------------


def test_the_framework_page_reads_as_text_and_is_linked_from_self_audit(
    client, lead, framework_version
):
    client.force_login(lead)
    assert 'href="/audits/frameworks/"' in page_of(client.get("/audits/"))
    page = page_of(client.get(f"/audits/frameworks/{framework_version.framework.ref}/"))
    assert "Topics: Leadership" in page
    assert "1.1 Leaders know their services." in page and "1.1. " not in page
    assert "Test framework" in page  # the reference as words, not test-framework


def test_each_add_button_names_the_manual_and_organisation(client, contributor, item_url):
    page = page_of(client.get(f"{item_url}evidence/", {"q": "supervision"}))
    hidden = re.findall(r'Add<span class="govuk-visually-hidden"> ([^<]+)</span>', page)
    assert hidden and all(" from " in text and ", " in text for text in hidden)
    assert len(set(hidden)) == len(hidden)
