"""Challenge, moderation, the scores rule and the action lifecycle, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carebook.audits import services_audits
from carebook.audits import services_moderation as services
from carebook.audits.models import (
    Action,
    ActionStatus,
    AuditStatus,
    ModeratedRating,
    ParticipantStatus,
    Response,
)
from carebook.audits.selectors_audits import can_edit_return, return_access
from carebook.audits.selectors_moderation import (
    actions_visible_to,
    can_see_moderation,
    challenge_events_for,
    item_values,
    moderated_ratings_for,
    section_scores,
)

from .conftest import PARTNERSHIP, TEST_AUDIT, login, submit

pytestmark = pytest.mark.django_db


def items(audit):
    return list(audit.framework_version.items.filter(assessable=True).order_by("position"))


def moderate(participant, item, *, user=None, rating=3, version=None, **extra):
    if version is None:
        existing = ModeratedRating.objects.filter(participant=participant, item=item).first()
        version = existing.version if existing else 0
    fields = {"not_applicable": False, "not_applicable_reason": "", "rationale": "Seen at panel."}
    fields.update(extra)
    return services.moderate_item(
        user=user or login("auditlead", PARTNERSHIP),
        participant=participant,
        item=item,
        expected_version=version,
        rating_value=rating,
        **fields,
    )


def new_action(audit, *, user=None, owners=None, due=dt.date(2026, 9, 30), **changes):
    fields = {
        "user": user or login("auditlead", PARTNERSHIP),
        "audit": audit,
        "items": items(audit)[:1],
        "owners": owners
        or [audit.participants.get(organisation__slug="northshire-police").organisation],
        "owner_name": "Head of safeguarding (demo)",
        "description": "Refresh supervision guidance.",
        "due_date": due,
    }
    fields.update(changes)
    return services.create_action(**fields)


# Moderation -----------------------------------------------------------------------------------


def test_the_lead_starts_moderation_of_an_open_audit(audit, lead):
    with pytest.raises(PermissionDenied):
        services.start_moderation(user=login("contributor", "northshire-police"), audit=audit)
    audit = services.start_moderation(user=lead, audit=audit)
    assert audit.status == AuditStatus.MODERATION
    with pytest.raises(services.AuditError):
        services.start_moderation(user=lead, audit=audit)


def test_a_moderated_rating_keeps_the_self_rating(submitted_police):
    item = items(submitted_police.audit)[0]
    moderated = moderate(submitted_police, item, rating=4, rationale="Strong evidence.")
    response = Response.objects.get(participant=submitted_police, item=item)
    assert response.rating.value == 2 and moderated.rating.value == 4
    assert moderated.version == 1 and moderated.moderated_by.email.startswith("auditlead@")
    again = moderate(submitted_police, item, rating=1)
    assert again.pk == moderated.pk and again.version == 2 and again.rating.value == 1


def test_only_the_lead_moderates_and_only_submitted_returns(police, health):
    item = items(police.audit)[0]
    with pytest.raises(services.AuditError):
        moderate(police, item)  # not submitted
    submit(police)
    for role, slug in (("seniorlead", "northshire-police"), ("auditlead", "northshire")):
        with pytest.raises(PermissionDenied):
            moderate(police, item, user=login(role, slug))
    assert not ModeratedRating.objects.filter(participant__audit__title=TEST_AUDIT).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"rating": 9}, "rating"),
        ({"rating": None}, "rating"),
        ({"rating": None, "not_applicable": True}, "not_applicable_reason"),
        ({"rationale": "   "}, "rationale"),
    ],
)
def test_bad_moderation_is_refused_and_nothing_written(submitted_police, changes, field):
    with pytest.raises(ValidationError) as error:
        moderate(submitted_police, items(submitted_police.audit)[0], **changes)
    assert field in error.value.message_dict
    assert not ModeratedRating.objects.filter(participant__audit__title=TEST_AUDIT).exists()


def test_not_applicable_with_a_reason_is_a_moderated_answer(submitted_police):
    moderated = moderate(
        submitted_police,
        items(submitted_police.audit)[0],
        rating=None,
        not_applicable=True,
        not_applicable_reason="No such service.",
    )
    assert moderated.not_applicable and moderated.rating is None


def test_a_moderation_from_an_old_version_is_refused(submitted_police):
    item = items(submitted_police.audit)[0]
    moderate(submitted_police, item, rating=3, version=0)
    with pytest.raises(services.ModerationChanged) as changed:
        moderate(submitted_police, item, rating=1, version=0)
    assert changed.value.current.rating.value == 3
    assert ModeratedRating.objects.get(participant__audit__title=TEST_AUDIT).rating.value == 3


def test_the_score_is_the_moderated_rating_else_the_self_rating_without_not_applicable(
    submitted_police,
):
    first, second = items(submitted_police.audit)
    assert item_values(participant=submitted_police) == {first.pk: 2, second.pk: 2}
    moderate(submitted_police, first, rating=4)
    assert item_values(participant=submitted_police) == {first.pk: 4, second.pk: 2}
    scores = section_scores(participant=submitted_police)
    assert scores == {first.section_id: 4.0, second.section_id: 2.0}
    moderate(
        submitted_police, first, rating=None, not_applicable=True, not_applicable_reason="None."
    )
    assert item_values(participant=submitted_police) == {second.pk: 2}
    assert section_scores(participant=submitted_police)[first.section_id] is None


def test_a_section_score_is_the_mean_of_its_items(lead, org):
    from carebook.audits.services import load_framework

    from .helpers import VALID

    text = VALID.replace('version: "2024-01"', 'version: "2024-02"').replace(
        '      - ref: "1.2"\n',
        '      - ref: "1.3"\n        statement: Another.\n      - ref: "1.2"\n',
    )
    version = load_framework(data=text.encode()).framework_version
    audit = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=version,
        title="Two items",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        due_date=dt.date(2026, 6, 30),
    )
    services_audits.invite_participant(user=lead, audit=audit, organisation=org("northshire"))
    services_audits.open_audit(user=lead, audit=audit)
    participant = submit(audit.participants.get(), rating=1)
    first, _third = version.items.filter(ref__in=["1.1", "1.3"]).order_by("ref")
    moderate(participant, first, rating=4)
    assert section_scores(participant=participant)[first.section_id] == 2.5  # (4 + 1) / 2


def test_returning_a_return_for_changes_reopens_it_with_the_message(submitted_police, lead):
    with pytest.raises(ValidationError):
        services.return_for_changes(user=lead, participant=submitted_police, message=" ")
    with pytest.raises(PermissionDenied):
        services.return_for_changes(
            user=login("seniorlead", "northshire-police"),
            participant=submitted_police,
            message="Please add evidence.",
        )
    services.start_moderation(user=lead, audit=submitted_police.audit)
    participant = services.return_for_changes(
        user=lead, participant=submitted_police, message="Please add evidence for 2.1."
    )
    assert participant.status == ParticipantStatus.IN_PROGRESS
    assert participant.returned_message == "Please add evidence for 2.1."
    # In moderation, a returned return can still be changed and submitted again.
    contributor = login("contributor", "northshire-police")
    assert can_edit_return(
        access=return_access(user=contributor, participant=participant), participant=participant
    )
    submit(participant, rating=3)
    assert participant.status == ParticipantStatus.SUBMITTED


def test_a_return_not_returned_cannot_change_in_moderation(police, lead):
    services.start_moderation(user=lead, audit=police.audit)
    police.refresh_from_db()
    contributor = login("contributor", "northshire-police")
    assert not can_edit_return(
        access=return_access(user=contributor, participant=police), participant=police
    )


def test_challenge_events_need_who_took_part(audit, lead, police):
    with pytest.raises(ValidationError):
        services.record_challenge_event(user=lead, audit=audit, date=dt.date(2026, 7, 1))
    event = services.record_challenge_event(
        user=lead,
        audit=audit,
        date=dt.date(2026, 7, 1),
        participants=[police],
        notes="Discussed supervision.",
        items=items(audit)[:1],
    )
    assert list(event.participants.all()) == [police]
    with pytest.raises(PermissionDenied):
        services.record_challenge_event(
            user=login("seniorlead", "northshire-police"),
            audit=audit,
            date=dt.date(2026, 7, 1),
            attendees="Us",
        )


def test_participants_see_moderation_only_once_the_report_is_published(submitted_police, lead):
    audit = submitted_police.audit
    moderate(submitted_police, items(audit)[0])
    services.record_challenge_event(
        user=lead, audit=audit, date=dt.date(2026, 7, 1), attendees="All"
    )
    police_user = login("contributor", "northshire-police")
    outsider = login("contributor", "northshire-schools")
    assert can_see_moderation(user=lead, audit=audit)
    for status, visible in (
        (AuditStatus.OPEN, False),
        (AuditStatus.MODERATION, False),
        (AuditStatus.REPORT_PUBLISHED, True),
        (AuditStatus.CLOSED, True),
    ):
        audit.status = status
        audit.save()
        assert can_see_moderation(user=police_user, audit=audit) is visible
        assert moderated_ratings_for(user=police_user, participant=submitted_police).exists() is (
            visible
        )
        assert challenge_events_for(user=police_user, audit=audit).exists() is visible
        assert not can_see_moderation(user=outsider, audit=audit)


# Actions --------------------------------------------------------------------------------------


def test_an_action_goes_from_open_to_verified(audit, lead):
    action = new_action(audit)
    assert action.status == ActionStatus.OPEN
    owner = login("contributor", "northshire-police")
    services.add_progress_note(user=owner, action=action, note="Draft written.")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.mark_action_done(user=owner, action=action, completion_evidence="")
    services.mark_action_done(user=owner, action=action, completion_evidence="Guidance v2.")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and not action.is_closed
    with pytest.raises(PermissionDenied):
        services.verify_action(user=owner, action=action)
    services.verify_action(user=lead, action=action, note="Checked.")
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.verified_by == lead
    with pytest.raises(services.AuditError):
        services.add_progress_note(user=owner, action=action, note="More.")
    with pytest.raises(ValidationError):
        services.reopen_action(user=lead, action=action, note="")
    services.reopen_action(user=lead, action=action, note="Not yet in use.")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.verified_by is None
    assert [u.note for u in action.updates.all()][-1] == "Reopened: Not yet in use."


def test_a_lead_may_verify_an_action_nobody_marked_done(audit, lead):
    action = services.verify_action(user=lead, action=new_action(audit))
    assert action.status == ActionStatus.VERIFIED


def test_only_owners_and_the_lead_update_an_action(audit, lead):
    action = new_action(audit)
    for role, slug in (("contributor", "northshire-health"), ("leader", "northshire-police")):
        with pytest.raises(PermissionDenied):
            services.add_progress_note(user=login(role, slug), action=action, note="Hi")
    services.add_progress_note(
        user=login("seniorlead", "northshire-police"), action=action, note="Ok"
    )
    services.add_progress_note(user=lead, action=action, note="Chased.")
    assert action.updates.count() == 2


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"due": dt.date(2026, 3, 31)}, "due_date"),
        ({"items": []}, "items"),
        ({"owners": []}, "owners"),
        ({"owner_name": " "}, "owner_name"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_actions_are_refused(audit, changes, field):
    if changes.get("owners") == []:
        changes["owners"] = None
        with pytest.raises(ValidationError) as error:
            services.create_action(
                user=login("auditlead", PARTNERSHIP),
                audit=audit,
                items=items(audit)[:1],
                owners=[],
                owner_name="A",
                description="B",
                due_date=dt.date(2026, 9, 30),
            )
    else:
        with pytest.raises(ValidationError) as error:
            new_action(audit, **changes)
    assert field in error.value.message_dict
    assert not Action.objects.filter(audit__title=TEST_AUDIT).exists()


def test_owners_must_take_part_or_lead(audit, org):
    with pytest.raises(ValidationError):
        new_action(audit, owners=[org("northshire-schools")])
    assert new_action(audit, owners=[org(PARTNERSHIP)]).owners.get() == org(PARTNERSHIP)


def test_participants_see_only_the_actions_their_organisation_owns(audit, lead, org):
    police_action = new_action(audit)
    health_action = new_action(audit, owners=[org("northshire-health")])
    shared = new_action(audit, owners=[org("northshire-health"), org("northshire-police")])
    police_user = login("contributor", "northshire-police")
    assert set(actions_visible_to(user=police_user, audit=audit)) == {police_action, shared}
    assert set(actions_visible_to(user=lead, audit=audit)) == {police_action, health_action, shared}
    for role, slug in (("contributor", "northshire-schools"), ("leader", PARTNERSHIP)):
        assert not actions_visible_to(user=login(role, slug), audit=audit).exists()


def test_overdue_actions_come_first(audit, lead, org):
    later = new_action(audit, due=dt.date(2099, 1, 1))
    overdue = new_action(audit, due=dt.date(2026, 4, 2))
    closed_overdue = services.verify_action(
        user=lead, action=new_action(audit, due=dt.date(2026, 4, 3))
    )
    listed = list(actions_visible_to(user=lead, audit=audit))
    assert listed == [overdue, later, closed_overdue]
    assert overdue.is_overdue() and not later.is_overdue()
    assert not closed_overdue.is_overdue()


def test_a_new_cycle_carries_open_actions_forward(audit, lead, org, framework_version):
    open_action = new_action(audit)
    in_progress = new_action(audit, description="Train staff.")
    services.add_progress_note(user=lead, action=in_progress, note="Booked.")
    services.verify_action(user=lead, action=new_action(audit, description="Done thing."))
    audit.status = AuditStatus.CLOSED
    audit.save()
    following = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=framework_version,
        title="Next cycle",
        period_start=dt.date(2027, 4, 1),
        period_end=dt.date(2028, 3, 31),
        due_date=dt.date(2027, 6, 30),
        previous=audit,
    )
    carried = {a.carried_from_id: a for a in following.actions.all()}
    assert set(carried) == {open_action.pk, in_progress.pk}
    assert carried[in_progress.pk].status == ActionStatus.IN_PROGRESS
    assert carried[open_action.pk].items.get().ref == open_action.items.get().ref
    assert carried[open_action.pk].owners.get().slug == "northshire-police"
    # The closed cycle's actions no longer take updates: they continue in the new cycle.
    with pytest.raises(services.AuditError):
        services.add_progress_note(user=lead, action=open_action, note="Late.")
