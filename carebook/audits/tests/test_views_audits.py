"""Pages under /audits/: bad input gets GOV.UK errors, conflicts show both versions, evidence
files are refused or served with care."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.audits import services_audits as services
from carebook.audits.models import Audit, AuditStatus, Evidence, PersonalDataWarning, Response

from .conftest import PARTNERSHIP, login
from .test_evidence_files import EXE_BYTES, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(audit):
    return audit.framework_version.items.filter(assessable=True).first()


@pytest.fixture
def item_url(audit, police, item):
    return f"/audits/{audit.pk}/returns/{police.pk}/items/{item.pk}/"


@pytest.fixture
def contributor(client):
    user = login("contributor", "northshire-police")
    client.force_login(user)
    return user


def errors_of(response) -> str:
    page = response.content.decode()
    assert "govuk-error-summary" in page, "no error summary"
    return page


# Starting an audit ----------------------------------------------------------------------------


def audit_form(client, version, org, **changes):
    data = {
        "lead_organisation": org(PARTNERSHIP).pk,
        "framework_version": version.pk,
        "title": "Section 11 2026",
        "period_start": "1/4/2026",
        "period_end": "31/3/2027",
        "due_date": "30/6/2026",
        "previous": "",
    }
    data.update(changes)
    return client.post("/audits/new/", data)


def test_the_lead_starts_an_audit_and_invites_and_opens_it(client, lead, framework_version, org):
    client.force_login(lead)
    response = audit_form(client, framework_version, org)
    audit = Audit.objects.get(title="Section 11 2026")
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/"
    assert audit.status == AuditStatus.DRAFT and audit.created_by == lead
    client.post(f"/audits/{audit.pk}/invite/", {"organisation": org("northshire-schools").pk})
    client.post(f"/audits/{audit.pk}/open/")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.OPEN
    assert list(audit.participants.values_list("organisation__slug", flat=True)) == [
        "northshire-schools"
    ]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"due_date": "1/3/2026"}, "The due date must be the same as or after the start"),
        ({"period_end": "1/1/2026"}, "The end of the period must be the same as or after"),
        ({"period_start": "31/2/2026"}, "must be a real date"),
        ({"title": ""}, "Enter a title for the audit"),
        ({"framework_version": "999999"}, "Select a framework from the list"),
    ],
)
def test_bad_audit_details_get_a_govuk_error_summary(
    client, lead, framework_version, org, changes, message
):
    client.force_login(lead)
    response = audit_form(client, framework_version, org, **changes)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Audit.objects.filter(title="Section 11 2026").exists()


def test_inviting_nobody_is_an_error_on_the_audit_page(client, lead, audit):
    client.force_login(lead)
    response = client.post(f"/audits/{audit.pk}/invite/", {"organisation": ""})
    assert "Select an organisation to invite" in errors_of(response)


# Answering ------------------------------------------------------------------------------------


def test_the_item_page_shows_level_descriptors_as_radio_hints(client, contributor, item_url):
    page = client.get(item_url).content.decode()
    assert "Leaders do not know." in page and "Leaders know and act." in page
    assert 'class="govuk-hint govuk-radios__hint"' in page
    assert "Not applicable" in page


def test_saving_an_answer_and_coming_back(client, contributor, item_url, police, item):
    response = client.post(
        item_url, {"rating": "3", "narrative": "Monthly supervision.", "version": "0", "save": "1"}
    )
    assert response.status_code == 302
    saved = Response.objects.get(participant=police, item=item)
    assert saved.rating.value == 3 and saved.version == 1 and saved.updated_by == contributor
    page = client.get(item_url).content.decode()
    assert "Monthly supervision." in page and 'value="3" checked' in page
    assert 'name="version" value="1"' in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"rating": "7"}, "Select a rating from the scale"),
        ({"rating": "na", "not_applicable_reason": " "}, "Enter why this item does not apply"),
    ],
)
def test_bad_answers_get_a_govuk_error_summary(
    client, contributor, item_url, police, data, message
):
    response = client.post(item_url, {**data, "version": "0"})
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not Response.objects.filter(participant=police).exists()


def test_a_second_save_from_an_old_page_is_shown_both_versions(
    client, contributor, item_url, police, item
):
    client.post(item_url, {"rating": "2", "narrative": "First person's words", "version": "0"})
    response = client.post(
        item_url, {"rating": "4", "narrative": "Second person's words", "version": "0"}
    )
    assert response.status_code == 409
    page = errors_of(response)
    assert "This answer was changed by someone else" in page
    assert "First person&#x27;s words" in page and "Second person&#x27;s words" in page
    assert "2: Emerging" in page and "4: Embedded" in page
    assert Response.objects.get(participant=police, item=item).narrative == "First person's words"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert 'name="version" value="1"' in page
    client.post(item_url, {"rating": "4", "narrative": "Second person's words", "version": "1"})
    assert Response.objects.get(participant=police, item=item).narrative == "Second person's words"


def test_personal_data_is_warned_about_and_saved_only_once_confirmed(
    client, contributor, item_url, police, item
):
    data = {
        "rating": "2",
        "narrative": "Email jo.bloggs@example.org or call 0161 496 0000",
        "version": "0",
    }
    response = client.post(item_url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check for personal data" in page
    assert "an e-mail address" in page and "a UK phone number" in page
    assert 'name="confirm_personal_data"' in page
    assert not Response.objects.filter(participant=police).exists()

    response = client.post(item_url, {**data, "confirm_personal_data": "on"})
    assert response.status_code == 302
    saved = Response.objects.get(participant=police, item=item)
    warning = PersonalDataWarning.objects.get(response=saved)
    assert {f["kind"] for f in warning.findings} == {"email", "phone"}


def test_a_carried_forward_answer_says_so(client, contributor, item_url, police, item):
    Response.objects.create(participant=police, item=item, narrative="Old", carried_forward=True)
    page = client.get(item_url).content.decode()
    assert "Carried forward — confirm or update" in page


def test_the_audit_lead_reads_a_return_without_a_form(client, lead, item_url, police, item):
    client.force_login(lead)
    page = client.get(item_url).content.decode()
    assert '<form method="post" novalidate>' not in page and "Not answered" in page


# Evidence -------------------------------------------------------------------------------------


@pytest.fixture
def evidence_url(item_url):
    return f"{item_url}evidence/"


@pytest.fixture
def private(settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    return tmp_path / "audit-evidence"


def upload(client, url, name, data, title=""):
    return client.post(
        url,
        {
            "action": "upload",
            "upload-file": SimpleUploadedFile(name, data),
            "upload-file_title": title,
        },
    )


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("setup.pdf", EXE_BYTES, "not a type of file we can keep"),
        ("empty.pdf", b"", "is empty"),
        ("chart.pdf", PNG_BYTES, "its content is PNG image"),
    ],
)
def test_refused_uploads_say_why_and_keep_nothing(
    client, contributor, evidence_url, private, police, name, data, message
):
    response = upload(client, evidence_url, name, data)
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not Evidence.objects.filter(response__participant=police).exists()
    assert not private.exists() or not any(private.iterdir())


def test_an_upload_over_ten_megabytes_is_refused(
    client, contributor, evidence_url, private, police
):
    response = upload(client, evidence_url, "big.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))
    assert "10 MB or smaller" in errors_of(response)
    assert not Evidence.objects.filter(response__participant=police).exists()


def test_an_uploaded_file_is_kept_privately_and_downloaded_only_through_the_view(
    client, contributor, evidence_url, private, police, lead, settings
):
    response = upload(client, evidence_url, "minutes.pdf", PDF_BYTES, title="Board minutes")
    assert response.status_code == 302
    evidence = Evidence.objects.get(response__participant=police)
    stored = private / evidence.stored_name
    assert stored.read_bytes() == PDF_BYTES
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    page = client.get(evidence_url).content.decode()
    assert "Board minutes" in page and f"/audits/evidence/{evidence.pk}/" in page

    for user in (contributor, lead, login("seniorlead", "northshire-police")):
        client.force_login(user)
        download = client.get(f"/audits/evidence/{evidence.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"]
    for user in (
        login("contributor", "northshire-health"),
        login("leader", PARTNERSHIP),
        login("orgadmin", "northshire-police"),
    ):
        client.force_login(user)
        assert client.get(f"/audits/evidence/{evidence.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/audits/evidence/{evidence.pk}/").status_code == 302


def test_a_missing_stored_file_is_not_found_not_an_error(
    client, contributor, evidence_url, private, police
):
    upload(client, evidence_url, "minutes.pdf", PDF_BYTES)
    evidence = Evidence.objects.get(response__participant=police)
    (private / evidence.stored_name).unlink()
    assert client.get(f"/audits/evidence/{evidence.pk}/").status_code == 404


def test_web_addresses_are_checked_and_added(client, contributor, evidence_url, police):
    response = client.post(evidence_url, {"action": "link", "link-url": "not a web address"})
    assert "Enter a full web address" in errors_of(response)
    client.post(
        evidence_url,
        {"action": "link", "link-url": "https://example.org/report", "link-title": "Report"},
    )
    assert Evidence.objects.get(response__participant=police).url == "https://example.org/report"


def test_procedures_are_found_and_linked_without_javascript(
    client, contributor, evidence_url, police
):
    page = client.get(evidence_url, {"q": "supervision"}).content.decode()
    assert "Procedures matching" in page
    from carebook.manuals.models import Procedure

    procedure = Procedure.objects.live().filter(title__icontains="supervision").first() or (
        Procedure.objects.live().first()
    )
    response = client.post(evidence_url, {"action": "procedure", "procedure": procedure.pk})
    assert response.status_code == 302
    linked = Evidence.objects.get(response__participant=police)
    assert linked.procedure_id == procedure.pk and linked.kind == "procedure"


def test_a_staff_only_procedure_of_another_organisation_cannot_be_linked(
    client, contributor, evidence_url, police
):
    from carebook.manuals.models import Manual, Procedure

    staff_only = Manual.objects.get(slug="childrens-social-care", url_path__contains="eastborough")
    Manual.objects.filter(pk=staff_only.pk).update(visibility="staff")
    procedure = Procedure.objects.live().descendant_of(staff_only).first()
    response = client.post(evidence_url, {"action": "procedure", "procedure": procedure.pk})
    assert response.status_code == 403
    assert not Evidence.objects.filter(response__participant=police).exists()


def test_the_return_can_be_marked_ready_only_when_complete(client, contributor, audit, police):
    return_url = f"/audits/{audit.pk}/returns/{police.pk}/"
    page = client.get(return_url).content.decode()
    assert 'disabled aria-disabled="true"' in page
    response = client.post(f"{return_url}ready/")
    assert response.status_code == 400
    page = errors_of(response)
    assert "<title>Error: " in page
    sections = list(audit.framework_version.sections.order_by("position"))
    for section in sections:
        assert f"Complete section {section.ref}: {section.name}" in page
        assert f'href="{return_url}sections/{section.pk}/"' in page
    police.refresh_from_db()
    assert police.status == "invited"
    for item in audit.framework_version.items.filter(assessable=True):
        services.save_response(
            user=contributor,
            participant=police,
            item=item,
            expected_version=0,
            rating_value=3,
            not_applicable=False,
            not_applicable_reason="",
            narrative="",
            sufficiency="",
        )
    page = client.get(return_url).content.decode()
    assert page.count(">Completed<") >= 2 and "aria-disabled" not in page
    client.post(f"{return_url}ready/")
    police.refresh_from_db()
    assert police.status == "ready_for_sign_off"


def test_a_web_address_with_personal_data_needs_a_second_press(
    client, contributor, evidence_url, police
):
    data = {
        "action": "link",
        "link-url": "https://example.org/case",
        "link-title": "Case of Jane Smith (3/4/2015)",
    }
    page = client.post(evidence_url, data).content.decode()
    assert "Check for personal data" in page and "a name with a date of birth" in page
    assert "Jane Smith (3/4/2015)" in page  # still in the form, to change or confirm
    assert not Evidence.objects.filter(response__participant=police).exists()
    client.post(evidence_url, {**data, "link-confirm_personal_data": "on"})
    evidence = Evidence.objects.get(response__participant=police)
    assert PersonalDataWarning.objects.get(response=evidence.response).findings[0]["field"] == (
        "title"
    )


def test_the_audits_home_shows_the_leads_audits_with_their_submissions(client, lead, audit):
    client.force_login(lead)
    page = client.get("/audits/").content.decode()
    assert "Audits you lead" in page and "Test audit 2026" in page and "0 of 2" in page
    assert "Start an audit" in page
