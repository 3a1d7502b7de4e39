import datetime as dt

import pytest
from django.utils import timezone

from carebook.changes.models import ChangeNote
from carebook.manuals.models import ProcedureVersion, ProcedureWithdrawal
from carebook.manuals.services import publish_procedure_version

from .factories import make_procedure, republish, section

pytestmark = pytest.mark.django_db


def test_every_publish_writes_the_next_immutable_version(chapter):
    sid = "11111111-1111-4111-8111-111111111111"
    page = make_procedure(
        chapter,
        title="Case recording",
        sections=[section("Purpose", "<p>Record <b>promptly</b>.</p>", sid)],
    )
    page = republish(
        page,
        note="Clarified timescales.",
        body=[section("Purpose", "<p>Record within 24 hours.</p>", sid)],
    )
    versions = list(ProcedureVersion.objects.filter(procedure=page).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].sections[0]["id"] == sid == versions[1].sections[0]["id"]
    assert versions[0].sections[0]["text"] == "Record promptly."
    assert versions[1].amendment_note == "Clarified timescales."
    assert versions[0].sections[0]["anchor"] == "purpose"


def test_significant_publishes_are_announced_and_minor_ones_are_not(chapter):
    page = make_procedure(chapter, title="Supervision")
    republish(page, note="Typo fixed.", significance="minor")
    republish(page, note="New section on reflective supervision.")
    notes = list(ChangeNote.objects.filter(procedure=page).order_by("created_at", "pk"))
    assert [(n.kind, n.amendment_note) for n in notes] == [
        ("new", "First published."),
        ("updated", "New section on reflective supervision."),
    ]
    assert ProcedureVersion.objects.filter(procedure=page).count() == 3


def test_first_publication_is_always_significant(chapter):
    page = make_procedure(chapter, title="Private fostering", significance="minor")
    assert page.versions.get().significance == "significant"
    assert ChangeNote.objects.filter(procedure=page, kind="new").exists()


def test_unpublishing_withdraws_with_a_change_note_and_republishing_reinstates(chapter):
    page = make_procedure(chapter, title="Old form guidance")
    page.unpublish()
    withdrawal = ProcedureWithdrawal.objects.get(procedure=page)
    assert withdrawal.reinstated_at is None
    assert ChangeNote.objects.filter(procedure=page, kind="withdrawn").count() == 1
    republish(page, note="Back in use with new forms.")
    withdrawal.refresh_from_db()
    assert withdrawal.reinstated_at is not None
    assert ChangeNote.objects.filter(procedure=page, kind="new").count() == 2


def test_version_numbers_stay_in_sequence_when_dated_in_the_past(chapter):
    page = make_procedure(chapter, title="Escalation")
    past = timezone.now() - dt.timedelta(days=400)
    version = publish_procedure_version(procedure=page, published_at=past)
    assert version.number == 2 and version.published_at == past
