"""The demo-data contract for self-audit: the partnership's two Section 11 cycles."""

import pytest
from django.utils import timezone

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


def test_the_previous_cycle_was_submitted_on_past_dates_before_it_was_due():
    previous = _current().previous
    today = timezone.localdate()
    for participant in previous.participants.all():
        submitted = timezone.localdate(participant.submitted_at)
        assert submitted <= previous.due_date < today
        assert participant.ready_at < participant.submitted_at
        assert previous.opened_at < participant.ready_at
    assert len({p.submitted_at for p in previous.participants.all()}) > 1


def test_loading_the_demo_again_keeps_the_previous_cycles_dates():
    previous = _current().previous
    dates = list(previous.participants.values_list("submitted_at", flat=True))
    demo.load(lambda message: None)
    assert list(previous.participants.values_list("submitted_at", flat=True)) == dates


def test_the_invited_return_starts_with_answers_carried_forward():
    schools = Participant.objects.get(audit=_current(), organisation__slug="northshire-schools")
    responses = list(schools.responses.all())
    assert responses and all(response.carried_forward for response in responses)
    assert any(r.evidence.filter(carried_forward=True).exists() for r in responses)


def test_loading_the_demo_again_changes_nothing():
    counts = (Audit.objects.count(), Participant.objects.count())
    demo.load(lambda message: None)
    assert (Audit.objects.count(), Participant.objects.count()) == counts
