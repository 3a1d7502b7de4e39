"""The demo-data contract for self-audit: the partnership's two Section 11 cycles."""

import pytest

from carebook.audits import demo
from carebook.audits.models import Audit, AuditStatus, Participant, ParticipantStatus

pytestmark = pytest.mark.django_db


def _current() -> Audit:
    return Audit.objects.get(
        lead_organisation__slug=demo.LEAD, status=AuditStatus.OPEN, previous__isnull=False
    )


def test_the_partnership_runs_an_open_audit_with_four_participants_at_different_stages():
    audit = _current()
    assert audit.framework_version.framework.ref == demo.FRAMEWORK
    statuses = dict(audit.participants.values_list("organisation__slug", "status"))
    assert statuses == {
        "northshire": ParticipantStatus.SUBMITTED,
        "northshire-police": ParticipantStatus.READY_FOR_SIGN_OFF,
        "northshire-health": ParticipantStatus.IN_PROGRESS,
        "northshire-schools": ParticipantStatus.INVITED,
    }


def test_the_previous_cycle_is_closed_with_every_return_submitted():
    previous = _current().previous
    assert previous.status == AuditStatus.CLOSED
    assert set(previous.participants.values_list("status", flat=True)) == {
        ParticipantStatus.SUBMITTED
    }


def test_the_invited_return_starts_with_answers_carried_forward():
    schools = Participant.objects.get(audit=_current(), organisation__slug="northshire-schools")
    responses = list(schools.responses.all())
    assert responses and all(response.carried_forward for response in responses)
    assert any(r.evidence.filter(carried_forward=True).exists() for r in responses)


def test_loading_the_demo_again_changes_nothing():
    counts = (Audit.objects.count(), Participant.objects.count())
    demo.load(lambda message: None)
    assert (Audit.objects.count(), Participant.objects.count()) == counts


def test_the_current_cycle_has_challenge_moderation_and_actions():
    from carebook.audits.models import ActionStatus, ChallengeEvent, ModeratedRating

    audit = _current()
    assert ChallengeEvent.objects.filter(audit=audit).exists()
    moderated = ModeratedRating.objects.filter(participant__audit=audit)
    assert moderated.exists()
    assert {m.participant.status for m in moderated} == {ParticipantStatus.SUBMITTED}
    actions = list(audit.actions.all())
    new = [a for a in actions if a.carried_from_id is None]
    assert any(a.is_overdue() for a in new)
    assert {a.status for a in new} >= {ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS}
    assert all("demo" in a.description.lower() for a in actions)


def test_open_actions_of_the_previous_cycle_are_carried_forward():
    from carebook.audits.models import ActionStatus

    audit = _current()
    previous_actions = audit.previous.actions.all()
    assert previous_actions.filter(status=ActionStatus.VERIFIED).exists()
    carried = audit.actions.filter(carried_from__isnull=False)
    assert set(carried.values_list("carried_from_id", flat=True)) == set(
        previous_actions.exclude(status=ActionStatus.VERIFIED).values_list("pk", flat=True)
    )
    assert carried.exists()


def test_loading_the_demo_again_adds_no_moderation_or_actions():
    from carebook.audits.models import Action, ChallengeEvent, ModeratedRating

    counts = (
        Action.objects.count(),
        ChallengeEvent.objects.count(),
        ModeratedRating.objects.count(),
    )
    demo.load(lambda message: None)
    assert (
        Action.objects.count(),
        ChallengeEvent.objects.count(),
        ModeratedRating.objects.count(),
    ) == counts
