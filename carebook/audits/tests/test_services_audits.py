"""Audit lifecycle, returns, carry-forward and concurrent edits, through the services."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.audits import evidence_files
from carebook.audits import services_audits as services
from carebook.audits.framework_file import FrameworkFileError
from carebook.audits.models import (
    AuditStatus,
    Evidence,
    ParticipantStatus,
    PersonalDataWarning,
    Response,
)
from carebook.audits.selectors import framework_version_in_use
from carebook.audits.services import load_framework

from .conftest import PARTNERSHIP, login
from .helpers import VALID

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def answer(participant, item, *, user=None, rating=3, version=None, **extra):
    user = user or login("contributor", participant.organisation.slug)
    if version is None:
        existing = Response.objects.filter(participant=participant, item=item).first()
        version = existing.version if existing else 0
    fields = {
        "not_applicable": False,
        "not_applicable_reason": "",
        "narrative": "Supervision is monthly.",
        "sufficiency": "Audit of records.",
    }
    fields.update(extra)
    return services.save_response(
        user=user,
        participant=participant,
        item=item,
        expected_version=version,
        rating_value=rating,
        **fields,
    )


def assessable(participant):
    return list(participant.audit.framework_version.items.filter(assessable=True))


def complete(participant):
    for item in assessable(participant):
        answer(participant, item)


# Audits ---------------------------------------------------------------------------------------


def new_audit(lead, org, framework_version, **changes):
    fields = {
        "user": lead,
        "lead_organisation": org(PARTNERSHIP),
        "framework_version": framework_version,
        "title": "Another audit",
        "period_start": dt.date(2026, 4, 1),
        "period_end": dt.date(2027, 3, 31),
        "due_date": dt.date(2026, 6, 30),
    }
    fields.update(changes)
    return services.create_audit(**fields)


def test_an_audit_starts_as_a_draft_and_opens_once_it_has_participants(
    lead, org, framework_version
):
    audit = new_audit(lead, org, framework_version)
    assert audit.status == AuditStatus.DRAFT
    with pytest.raises(services.AuditError, match="Invite at least one"):
        services.open_audit(user=lead, audit=audit)
    participant = services.invite_participant(
        user=lead, audit=audit, organisation=org("northshire-schools")
    )
    assert participant.status == ParticipantStatus.INVITED
    with pytest.raises(services.AuditError, match="already taking part"):
        services.invite_participant(user=lead, audit=audit, organisation=org("northshire-schools"))
    audit = services.open_audit(user=lead, audit=audit)
    assert audit.status == AuditStatus.OPEN and audit.opened_at is not None
    with pytest.raises(services.AuditError, match="already open"):
        services.open_audit(user=lead, audit=audit)


@pytest.mark.parametrize(
    "role, slug",
    [
        ("contributor", "northshire-police"),
        ("leader", PARTNERSHIP),
        ("orgadmin", PARTNERSHIP),
        ("auditlead", "northshire"),
    ],
)
def test_only_the_lead_organisations_audit_leads_create_invite_and_open(
    role, slug, lead, org, framework_version
):
    someone = login(role, slug)
    with pytest.raises(PermissionDenied):
        new_audit(someone, org, framework_version)
    audit = new_audit(lead, org, framework_version)
    with pytest.raises(PermissionDenied):
        services.invite_participant(user=someone, audit=audit, organisation=org("northshire"))
    services.invite_participant(user=lead, audit=audit, organisation=org("northshire"))
    with pytest.raises(PermissionDenied):
        services.open_audit(user=someone, audit=audit)


def test_dates_out_of_order_are_refused(lead, org, framework_version):
    with pytest.raises(ValidationError) as error:
        new_audit(
            lead,
            org,
            framework_version,
            due_date=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 1, 1),
        )
    assert set(error.value.message_dict) == {"due_date", "period_end"}


def test_an_organisation_can_take_part_in_several_partnerships_audits(
    audit, org, framework_version
):
    other_lead = login("auditlead", "northshire")
    other = services.create_audit(
        user=other_lead,
        lead_organisation=org("northshire"),
        framework_version=framework_version,
        title="Northshire's own audit",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        due_date=dt.date(2026, 6, 30),
    )
    services.invite_participant(user=other_lead, audit=other, organisation=org("northshire-police"))
    assert org("northshire-police").audit_returns.count() >= 2


def test_a_framework_version_used_by_an_audit_can_no_longer_change(audit, framework_version):
    assert framework_version_in_use(framework_version)
    changed = VALID.replace("Leaders know their services.", "Leaders know everything.")
    with pytest.raises(FrameworkFileError, match="already used by an audit"):
        load_framework(data=changed.encode())


# Returns --------------------------------------------------------------------------------------


def test_a_return_goes_from_invited_to_submitted(police):
    items = assessable(police)
    answer(police, items[0])
    police.refresh_from_db()
    assert police.status == ParticipantStatus.IN_PROGRESS
    contributor = login("contributor", "northshire-police")
    with pytest.raises(services.AuditError, match="Complete every section"):
        services.mark_ready_for_sign_off(user=contributor, participant=police)
    for item in items[1:]:
        answer(police, item, rating=None, not_applicable=True, not_applicable_reason="No cases")
    with pytest.raises(PermissionDenied):
        services.sign_off_return(user=contributor, participant=police)
    services.mark_ready_for_sign_off(user=contributor, participant=police)
    police.refresh_from_db()
    assert police.status == ParticipantStatus.READY_FOR_SIGN_OFF
    # Ready for sign-off: contributors can no longer change it.
    with pytest.raises(services.AuditError, match="cannot be changed"):
        answer(police, items[0])
    senior = login("seniorlead", "northshire-police")
    services.sign_off_return(user=senior, participant=police)
    police.refresh_from_db()
    assert police.status == ParticipantStatus.SUBMITTED
    assert police.submitted_by == senior and police.submitted_at is not None
    with pytest.raises(services.AuditError):
        answer(police, items[0], user=senior)


def test_the_senior_lead_can_send_a_return_back_to_contributors(police):
    complete(police)
    services.mark_ready_for_sign_off(
        user=login("contributor", "northshire-police"), participant=police
    )
    senior = login("seniorlead", "northshire-police")
    with pytest.raises(ValidationError):
        services.send_back_to_contributors(user=senior, participant=police, reason="  ")
    services.send_back_to_contributors(
        user=senior, participant=police, reason="Section 2 needs the new audit figures."
    )
    police.refresh_from_db()
    assert police.status == ParticipantStatus.IN_PROGRESS
    assert police.sent_back_reason == "Section 2 needs the new audit figures."
    assert police.sent_back_by == senior
    services.mark_ready_for_sign_off(
        user=login("contributor", "northshire-police"), participant=police
    )
    police.refresh_from_db()
    assert police.sent_back_reason == ""


@pytest.mark.parametrize(
    "role, slug",
    [
        ("contributor", "northshire-health"),
        ("seniorlead", "northshire-health"),
        ("auditlead", PARTNERSHIP),
        ("leader", "northshire-police"),
        ("orgadmin", "northshire-police"),
    ],
)
def test_only_the_participants_own_contributors_and_senior_lead_edit_it(role, slug, police):
    item = assessable(police)[0]
    with pytest.raises(PermissionDenied):
        answer(police, item, user=login(role, slug))
    assert not Response.objects.filter(participant=police).exists()


def test_a_draft_audit_takes_no_answers(lead, org, framework_version):
    audit = new_audit(lead, org, framework_version)
    participant = services.invite_participant(
        user=lead, audit=audit, organisation=org("northshire-police")
    )
    with pytest.raises(PermissionDenied):
        answer(participant, assessable(participant)[0])


def test_ratings_off_the_scale_and_not_applicable_without_a_reason_are_refused(police):
    item = assessable(police)[0]
    with pytest.raises(ValidationError, match="Select a rating from the scale"):
        answer(police, item, rating=9)
    with pytest.raises(ValidationError, match="Enter why"):
        answer(police, item, rating=None, not_applicable=True, not_applicable_reason="  ")
    assert not Response.objects.filter(participant=police).exists()


def test_a_save_from_an_old_version_is_refused_and_nothing_is_overwritten(police):
    item = assessable(police)[0]
    first = answer(police, item, narrative="First", version=0)
    assert first.version == 1
    second = answer(police, item, narrative="Second", version=1)
    assert second.version == 2
    with pytest.raises(services.ResponseChanged) as changed:
        answer(police, item, narrative="Stale", version=1)
    assert changed.value.current.narrative == "Second"
    with pytest.raises(services.ResponseChanged):
        answer(police, item, narrative="Also stale", version=0)
    assert Response.objects.get(participant=police, item=item).narrative == "Second"


def test_likely_personal_data_needs_confirming_and_the_warning_is_recorded_without_the_data(
    police,
):
    item = assessable(police)[0]
    text = "Reviewed with Jane Smith (3/4/2015), NHS 943 476 5919."
    with pytest.raises(services.PersonalDataFound) as found:
        answer(police, item, narrative=text)
    kinds = {f.kind for field in found.value.found for f in field.findings}
    assert kinds == {"name_and_date_of_birth", "nhs_number"}
    assert not Response.objects.filter(participant=police).exists()

    response = answer(police, item, narrative=text, confirmed_personal_data=True)
    warning = PersonalDataWarning.objects.get(response=response)
    assert warning.confirmed_by == login("contributor", "northshire-police")
    assert {f["kind"] for f in warning.findings} == kinds
    assert "943" not in json.dumps(warning.findings) and "Jane" not in json.dumps(warning.findings)


# Carry-forward --------------------------------------------------------------------------------

NEW_VERSION = (
    VALID.replace('version: "2024-01"', 'version: "2025-01"')
    .replace('ref: "2.1"', 'ref: "2.9"')
    .replace("Staff are supervised.", "A new item.")
)


def test_a_new_cycle_carries_answers_and_evidence_forward_by_item_ref(
    audit, police, lead, org, settings, tmp_path
):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    items = {item.ref: item for item in assessable(police)}
    answer(police, items["1.1"], rating=2, narrative="Last year's answer")
    answer(police, items["2.1"], rating=4)
    contributor = login("contributor", "northshire-police")
    services.add_link_evidence(
        user=contributor,
        participant=police,
        item=items["1.1"],
        url="https://example.org/r",
        title="R",
    )
    evidence = services.add_file_evidence(
        user=contributor,
        participant=police,
        item=items["1.1"],
        upload=SimpleUploadedFile("minutes.pdf", PDF),
    )
    new_version = load_framework(data=NEW_VERSION.encode()).framework_version

    next_audit = new_audit(
        lead,
        org,
        new_version,
        title="Next year",
        previous=audit,
        period_start=dt.date(2027, 4, 1),
        period_end=dt.date(2028, 3, 31),
        due_date=dt.date(2027, 6, 30),
    )
    assert set(next_audit.participants.values_list("organisation__slug", flat=True)) == {
        "northshire-police",
        "northshire-health",
    }
    carried = next_audit.participants.get(organisation__slug="northshire-police")
    responses = {r.item.ref: r for r in carried.responses.select_related("item", "rating")}
    # 2.1 is gone from the new version; 1.1 matches by ref.
    assert set(responses) == {"1.1"}
    response = responses["1.1"]
    assert response.carried_forward and response.item.framework_version == new_version
    assert response.rating.value == 2 and response.narrative == "Last year's answer"
    assert not response.is_answered  # it needs confirming
    copies = list(response.evidence.order_by("pk"))
    assert [(e.kind, e.carried_forward) for e in copies] == [("link", True), ("file", True)]
    assert copies[1].stored_name == evidence.stored_name

    # Confirming clears the mark; the earlier cycle is untouched.
    services.open_audit(user=lead, audit=next_audit)
    carried.refresh_from_db()
    confirmed = answer(carried, response.item, rating=3, version=response.version)
    assert not confirmed.carried_forward and confirmed.is_answered
    assert Response.objects.get(participant=police, item=items["1.1"]).rating.value == 2

    # The shared file stays while any evidence refers to it.
    services.remove_evidence(user=contributor, evidence=copies[1])
    assert evidence_files.path_of(evidence.stored_name).exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_removing_the_last_reference_to_a_file_deletes_it(police, settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    contributor = login("contributor", "northshire-police")
    item = assessable(police)[0]
    evidence = services.add_file_evidence(
        user=contributor, participant=police, item=item, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    path = evidence_files.path_of(evidence.stored_name)
    assert path.exists()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.remove_evidence(user=contributor, evidence=evidence)
    assert not path.exists()


def test_a_refused_upload_leaves_no_file_behind(police, settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    item = assessable(police)[0]
    with pytest.raises(PermissionDenied):
        services.add_file_evidence(
            user=login("contributor", "northshire-health"),
            participant=police,
            item=item,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
    assert not any((tmp_path / "audit-evidence").iterdir())
