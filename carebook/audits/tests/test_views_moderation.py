"""Challenge, moderation and action pages: the happy paths, bad input and conflicts."""

import datetime as dt

import pytest

from carebook.audits import services_moderation as services
from carebook.audits.models import (
    Action,
    ActionStatus,
    AuditStatus,
    ChallengeEvent,
    ModeratedRating,
    ParticipantStatus,
)

from .conftest import TEST_AUDIT, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(audit):
    return audit.framework_version.items.filter(assessable=True).order_by("position").first()


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def moderate_url(participant, item):
    return f"/audits/{participant.audit_id}/returns/{participant.pk}/items/{item.pk}/moderate/"


def test_the_lead_moderates_an_item_and_both_ratings_show(lead_client, submitted_police, item):
    url = moderate_url(submitted_police, item)
    page = lead_client.get(url).content.decode()
    assert "Self rating" in page and "2: Emerging" in page
    assert "Leaders know and act." in page  # the level descriptor as the hint
    response = lead_client.post(
        url, {"rating": "4", "rationale": "Panel saw audits.", "version": "0"}
    )
    assert response.status_code == 302
    moderated = ModeratedRating.objects.get(participant__audit__title=TEST_AUDIT)
    assert moderated.rating.value == 4 and moderated.rationale == "Panel saw audits."
    item_page = lead_client.get(
        f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/items/{item.pk}/"
    ).content.decode()
    assert "2: Emerging" in item_page and "4: Embedded" in item_page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"rating": "9", "rationale": "x"}, "Select a rating from the scale"),
        ({"rating": "na", "rationale": "x"}, "Enter why this item does not apply"),
        ({"rating": "3", "rationale": "   "}, "Enter the rationale for the moderated rating"),
        ({"rationale": "x"}, "Select a moderated rating"),
    ],
)
def test_bad_moderation_is_a_form_error(lead_client, submitted_police, item, data, message):
    response = lead_client.post(moderate_url(submitted_police, item), {**data, "version": "0"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ModeratedRating.objects.filter(participant__audit__title=TEST_AUDIT).exists()


def test_a_stale_moderation_shows_both_versions(lead_client, submitted_police, item, lead):
    services.moderate_item(
        user=lead,
        participant=submitted_police,
        item=item,
        expected_version=0,
        rating_value=3,
        not_applicable=False,
        not_applicable_reason="",
        rationale="First view.",
    )
    response = lead_client.post(
        moderate_url(submitted_police, item),
        {"rating": "1", "rationale": "Second view.", "version": "0"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page and "First view." in page and "Second view." in page
    assert (
        ModeratedRating.objects.get(participant__audit__title=TEST_AUDIT).rationale == "First view."
    )
    # Saving again from the conflict page (now at the current version) replaces it.
    response = lead_client.post(
        moderate_url(submitted_police, item),
        {"rating": "1", "rationale": "Second view.", "version": "1"},
    )
    assert response.status_code == 302
    assert (
        ModeratedRating.objects.get(participant__audit__title=TEST_AUDIT).rationale
        == "Second view."
    )


def test_an_unsubmitted_return_cannot_be_moderated(lead_client, police, item):
    response = lead_client.post(moderate_url(police, item), {"rating": "3", "rationale": "x"})
    assert response.status_code == 302
    assert not ModeratedRating.objects.filter(participant__audit__title=TEST_AUDIT).exists()


def test_a_participant_sees_the_moderated_rating_only_once_published(
    client, submitted_police, item, lead
):
    services.moderate_item(
        user=lead,
        participant=submitted_police,
        item=item,
        expected_version=0,
        rating_value=1,
        not_applicable=False,
        not_applicable_reason="",
        rationale="Secret rationale.",
    )
    client.force_login(login("contributor", "northshire-police"))
    url = f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/items/{item.pk}/"
    assert "Secret rationale." not in client.get(url).content.decode()
    audit = submitted_police.audit
    audit.status = AuditStatus.REPORT_PUBLISHED
    audit.save()
    assert "Secret rationale." in client.get(url).content.decode()


def test_return_for_changes_shows_the_message_to_the_participant(
    lead_client, client, submitted_police
):
    url = f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/return-for-changes/"
    assert lead_client.post(url, {"message": "  "}).status_code == 400
    response = lead_client.post(url, {"message": "Add evidence for 2.1, please."})
    assert response.status_code == 302
    submitted_police.refresh_from_db()
    assert submitted_police.status == ParticipantStatus.IN_PROGRESS
    client.force_login(login("seniorlead", "northshire-police"))
    page = client.get(f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/")
    assert "Returned for changes" in page.content.decode()
    assert "Add evidence for 2.1, please." in page.content.decode()


def test_the_lead_starts_moderation_and_records_a_challenge_event(lead_client, audit, police, item):
    assert lead_client.post(f"/audits/{audit.pk}/moderation/start/").status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.MODERATION
    url = f"/audits/{audit.pk}/challenge/new/"
    assert lead_client.get(url).status_code == 200
    response = lead_client.post(url, {"date": "31/2/2026"})
    assert response.status_code == 400 and "must be a real date" in response.content.decode()
    response = lead_client.post(url, {"date": "14/7/2026"})
    assert "Select who took part, or describe them" in response.content.decode()
    response = lead_client.post(
        url,
        {"date": "14/7/2026", "participants": [police.pk], "items": [item.pk], "notes": "Good."},
    )
    assert response.status_code == 302
    event = ChallengeEvent.objects.get(audit=audit)
    assert list(event.items.all()) == [item]
    page = lead_client.get(f"/audits/{audit.pk}/challenge/").content.decode()
    assert "14 July 2026" in page and "Northshire Police" in page


def test_the_lead_adds_an_action_and_the_due_date_is_checked(lead_client, audit, item, org):
    url = f"/audits/{audit.pk}/actions/new/"
    data = {
        "items": [item.pk],
        "owners": [org("northshire-police").pk],
        "owner_name": "Designated lead (demo)",
        "description": "Refresh the guidance.",
        "due_date": "31/3/2026",
    }
    response = lead_client.post(url, data)
    assert response.status_code == 400
    assert "must be the same as or after the start of the audit period" in response.content.decode()
    response = lead_client.post(url, {**data, "owners": [org("northshire-schools").pk]})
    assert response.status_code == 400
    response = lead_client.post(url, {**data, "due_date": "30/9/2026"})
    assert response.status_code == 302
    assert Action.objects.get(audit=audit).owners.get() == org("northshire-police")


def test_an_action_is_done_by_its_owner_and_verified_by_the_lead(client, audit, item, org, lead):
    action = services.create_action(
        user=lead,
        audit=audit,
        items=[item],
        owners=[org("northshire-police")],
        owner_name="Lead (demo)",
        description="Refresh the guidance.",
        due_date=dt.date(2026, 9, 30),
    )
    url = f"/audits/{audit.pk}/actions/{action.pk}/"
    client.force_login(login("contributor", "northshire-police"))
    page = client.get(url).content.decode()
    assert "Mark as done" in page and "Verify and close" not in page
    assert client.post(url, {"action": "done", "done-completion_evidence": ""}).status_code == 400
    assert client.post(url, {"action": "verify"}).status_code == 403
    assert client.post(url, {"action": "bogus"}).status_code == 400
    response = client.post(url, {"action": "note", "note-note": "Draft circulated."})
    assert response.status_code == 302
    response = client.post(
        url, {"action": "done", "done-completion_evidence": "https://example.org/guidance"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    client.force_login(lead)
    assert client.post(url, {"action": "verify", "verify-note": "Seen it."}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.verified_by == lead
    assert client.post(url, {"action": "reopen", "reopen-note": ""}).status_code == 400
    assert client.post(url, {"action": "reopen", "reopen-note": "Not used."}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_the_action_plan_puts_overdue_first_and_filters(lead_client, audit, item, org, lead):
    def add(description, due, owner):
        return services.create_action(
            user=lead,
            audit=audit,
            items=[item],
            owners=[org(owner)],
            owner_name="Someone (demo)",
            description=description,
            due_date=due,
        )

    add("Later action", dt.date(2099, 1, 1), "northshire-police")
    add("Overdue action", dt.date(2026, 4, 2), "northshire-health")
    page = lead_client.get(f"/audits/{audit.pk}/actions/").content.decode()
    assert page.index("Overdue action") < page.index("Later action")
    assert "govuk-tag--red" in page and "1 action overdue" in page
    filtered = lead_client.get(
        f"/audits/{audit.pk}/actions/?organisation={org('northshire-police').pk}"
    ).content.decode()
    assert "Later action" in filtered and "Overdue action" not in filtered
    overdue = lead_client.get(f"/audits/{audit.pk}/actions/?status=overdue").content.decode()
    assert "Overdue action" in overdue and "Later action" not in overdue
    assert lead_client.get(f"/audits/{audit.pk}/actions/?status=nonsense").status_code == 200


def test_the_section_page_shows_moderated_ratings_only_to_who_may_see_them(
    client, submitted_police, item, lead
):
    services.moderate_item(
        user=lead,
        participant=submitted_police,
        item=item,
        expected_version=0,
        rating_value=4,
        not_applicable=False,
        not_applicable_reason="",
        rationale="Seen.",
    )
    base = f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/"
    url = f"{base}sections/{item.section_id}/"
    client.force_login(lead)
    assert "Moderated 4: Embedded" in client.get(url).content.decode()
    client.force_login(login("contributor", "northshire-police"))
    assert "Moderated" not in client.get(url).content.decode()


def test_ids_from_elsewhere_in_challenge_and_action_forms_are_form_errors(
    lead_client, audit, police, item
):
    from carebook.audits.models import Item, Participant

    other_participant = Participant.objects.exclude(audit=audit).first()
    other_item = Item.objects.exclude(framework_version=audit.framework_version).first()
    response = lead_client.post(
        f"/audits/{audit.pk}/challenge/new/",
        {"date": "1/7/2026", "participants": [other_participant.pk], "items": [other_item.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select organisations taking part in this audit" in page
    assert "Select items of this audit&#x27;s framework" in page
    response = lead_client.post(
        f"/audits/{audit.pk}/actions/new/",
        {
            "items": [other_item.pk],
            "owners": [police.organisation_id],
            "owner_name": "X",
            "description": "Y",
            "due_date": "1/7/2026",
        },
    )
    assert response.status_code == 400
    assert not ChallengeEvent.objects.filter(audit=audit).exists()
    assert not Action.objects.filter(audit=audit).exists()


# Likely personal data in challenge, moderation and action text ---------------------------------

NHS_NUMBER = "Seen with 943 476 5919 on file."  # passes the NHS number check digit
CONFIRM_LABEL = "I have checked this text: it is needed and contains no personal data"


def refused_for_personal_data(response, *, label: str, found: str) -> str:
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{label} may contain personal data ({found})" in page
    assert CONFIRM_LABEL in page and 'type="checkbox"' in page
    return page


def test_challenge_notes_with_personal_data_need_confirming(lead_client, audit, police, item):
    url = f"/audits/{audit.pk}/challenge/new/"
    data = {"date": "14/7/2026", "participants": [police.pk], "notes": NHS_NUMBER}
    refused_for_personal_data(lead_client.post(url, data), label="Notes", found="an NHS number")
    assert not ChallengeEvent.objects.filter(audit=audit).exists()
    # Changing the text, or confirming it, saves.
    assert lead_client.post(url, {**data, "confirm_personal_data": "on"}).status_code == 302
    assert ChallengeEvent.objects.get(audit=audit).notes == NHS_NUMBER


def test_a_moderation_rationale_with_personal_data_needs_confirming(
    lead_client, submitted_police, item
):
    url = moderate_url(submitted_police, item)
    data = {"rating": "3", "rationale": "Ring 07700 900123 for the file.", "version": "0"}
    page = refused_for_personal_data(
        lead_client.post(url, data), label="Rationale", found="a UK phone number"
    )
    assert 'id="id_confirm_personal_data"' in page
    assert not ModeratedRating.objects.filter(participant=submitted_police).exists()
    assert lead_client.post(url, {**data, "confirm_personal_data": "on"}).status_code == 302
    assert ModeratedRating.objects.filter(participant=submitted_police).exists()


def test_action_text_with_personal_data_needs_confirming(client, lead, audit, item, org):
    client.force_login(lead)
    data = {
        "items": [item.pk],
        "owners": [org("northshire-police").pk],
        "owner_name": "Designated lead (demo)",
        "description": "Review the plan for Jane Smith (3/4/2015).",
        "due_date": "30/9/2026",
    }
    url = f"/audits/{audit.pk}/actions/new/"
    refused_for_personal_data(
        client.post(url, data), label="Action", found="a name with a date of birth"
    )
    assert not Action.objects.filter(audit=audit).exists()
    assert client.post(url, {**data, "description": "Review the plans."}).status_code == 302
    action = Action.objects.get(audit=audit)

    url = f"/audits/{audit.pk}/actions/{action.pk}/"
    client.force_login(login("contributor", "northshire-police"))
    note = {"action": "note", "note-note": "Sent to jo.bloggs@example.org today."}
    refused_for_personal_data(
        client.post(url, note), label="Progress note", found="an e-mail address"
    )
    assert not action.updates.exists()
    assert client.post(url, {**note, "note-confirm_personal_data": "on"}).status_code == 302
    assert action.updates.count() == 1
    done = {"action": "done", "done-completion_evidence": "Letter to NE1 4XF."}
    refused_for_personal_data(
        client.post(url, done), label="Completion evidence", found="a full postcode"
    )
    action.refresh_from_db()
    assert action.status != ActionStatus.DONE


def test_a_return_for_changes_message_with_personal_data_needs_confirming(
    lead_client, submitted_police
):
    url = f"/audits/{submitted_police.audit_id}/returns/{submitted_police.pk}/return-for-changes/"
    data = {"message": "Remove AB 12 34 56 C from 2.1."}
    refused_for_personal_data(
        lead_client.post(url, data),
        label="What needs to change",
        found="a National Insurance number",
    )
    submitted_police.refresh_from_db()
    assert submitted_police.status == ParticipantStatus.SUBMITTED
    assert lead_client.post(url, {**data, "confirm_personal_data": "on"}).status_code == 302


def test_a_confirmation_is_never_carried_into_the_next_attempt(lead_client, audit, police):
    """Ticked, but refused for another reason: the page asks again rather than keeping it."""
    url = f"/audits/{audit.pk}/challenge/new/"
    data = {"date": "99/99/2026", "participants": [police.pk], "confirm_personal_data": "on"}
    page = lead_client.post(url, {**data, "notes": "Nothing personal."}).content.decode()
    assert 'name="confirm_personal_data" value="on"' not in page
    assert 'name="confirm_personal_data">' in page or 'name="confirm_personal_data" ' in page
    # The next attempt, as the page sends it, with new personal data: refused again.
    retry = {"date": "14/7/2026", "participants": [police.pk], "notes": NHS_NUMBER}
    refused_for_personal_data(lead_client.post(url, retry), label="Notes", found="an NHS number")
    assert not ChallengeEvent.objects.filter(audit=audit).exists()


def test_attendees_with_personal_data_are_not_also_called_missing(lead_client, audit):
    url = f"/audits/{audit.pk}/challenge/new/"
    data = {"date": "14/7/2026", "attendees": "Jo Bloggs, jo.bloggs@example.org"}
    page = refused_for_personal_data(
        lead_client.post(url, data), label="Who took part (optional)", found="an e-mail address"
    )
    assert "Select who took part, or describe them" not in page


def test_a_reason_thrown_away_with_a_rating_is_not_checked(lead_client, submitted_police, item):
    data = {
        "rating": "3",
        "not_applicable_reason": "Ring 07700 900123.",  # left over; not kept with a rating
        "rationale": "Panel saw audits.",
        "version": "0",
    }
    assert lead_client.post(moderate_url(submitted_police, item), data).status_code == 302
