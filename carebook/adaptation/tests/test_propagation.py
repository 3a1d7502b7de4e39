"""Passing a national publish on to subscribing manuals, over the demo's two subscribers:
Northshire applies national updates automatically, Eastborough reviews them first."""

import pytest

from carebook.adaptation.models import Pin, PinReason
from carebook.adaptation.selectors import current_pin, pending_change
from carebook.adaptation.services import apply_national_version, propagate_national_version
from carebook.changes.models import ChangeKind, ChangeNote
from carebook.manuals.models import Procedure, ProcedureVersion
from carebook.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def national(slug):
    return Procedure.objects.get(url_path__contains="/national-library/", slug=slug)


def derived(organisation, slug):
    return Procedure.objects.get(url_path__contains=f"/{organisation}/", derived_from__slug=slug)


def publish_national(slug, *, significance, note, words="A new step."):
    page = national(slug)
    body = page.body.raw_data
    body[0]["value"]["content"] += f"<p>{words}</p>"
    page.body = body
    page.amendment_note = note
    page.significance = significance
    page.save_revision().publish()
    return page.versions.order_by("-number").first()


def rows():
    return (
        ProcedureVersion.objects.count(),
        Pin.objects.count(),
        ChangeNote.objects.count(),
        SearchEntry.objects.count(),
    )


def test_a_national_publish_reaches_each_subscriber_as_its_organisation_chose(
    django_capture_on_commit_callbacks,
):
    slug = "supervision-of-social-work-staff"
    northshire, eastborough = derived("northshire", slug), derived("eastborough", slug)
    waiting_since = current_pin(eastborough).national_version

    with django_capture_on_commit_callbacks(execute=True):
        version = publish_national(slug, significance="significant", note="Monthly supervision.")

    pin = current_pin(northshire)
    assert pin.national_version == version and pin.reason == PinReason.AUTOMATIC
    local = northshire.versions.order_by("-number").first()
    assert local.national_version == version and pin.local_version == local
    note = ChangeNote.objects.get(procedure=northshire, national_version=version)
    assert note.kind == ChangeKind.NATIONAL_UPDATE and "Monthly supervision." in note.amendment_note
    entry = SearchEntry.objects.get(procedure_id=northshire.pk)
    assert "A new step." in entry.body_text

    assert current_pin(eastborough).national_version == waiting_since
    assert pending_change(eastborough).latest == version
    assert not ChangeNote.objects.filter(procedure=eastborough, national_version=version).exists()


def test_minor_corrections_reach_review_first_subscribers_unless_a_significant_change_waits():
    slug = "supervision-of-social-work-staff"
    northshire, eastborough = derived("northshire", slug), derived("eastborough", slug)

    minor = publish_national(slug, significance="minor", note="Typo.", words="Typo fixed.")
    result = propagate_national_version(national_version_id=minor.pk)
    assert (result.advanced, result.pending) == (2, 0)
    assert current_pin(eastborough).reason == PinReason.MINOR
    assert current_pin(northshire).reason == PinReason.AUTOMATIC
    assert not ChangeNote.objects.filter(national_version=minor).exists()

    significant = publish_national(slug, significance="significant", note="New duty.")
    propagate_national_version(national_version_id=significant.pk)
    second_minor = publish_national(slug, significance="minor", note="Typo.", words="Comma.")
    result = propagate_national_version(national_version_id=second_minor.pk)
    # Northshire moves on from the significant version; Eastborough still has it to review.
    assert (result.advanced, result.pending) == (1, 1)
    assert current_pin(northshire).national_version == second_minor
    assert current_pin(eastborough).national_version == minor
    assert pending_change(eastborough).latest == second_minor
    note = northshire.versions.order_by("-number").first().amendment_note
    assert note == "National update: Typo."


def test_running_propagation_again_changes_nothing():
    version = publish_national(
        "children-missing-from-home-or-care", significance="significant", note="Clearer."
    )
    first = propagate_national_version(national_version_id=version.pk)
    before = rows()

    again = propagate_national_version(national_version_id=version.pk)

    assert rows() == before
    assert (again.advanced, again.added, again.offered) == (0, 0, 0)
    assert (again.up_to_date, again.pending) == (first.advanced, first.pending)


def test_one_subscriber_can_be_brought_up_to_date_on_its_own():
    slug = "case-recording"
    version = publish_national(slug, significance="significant", note="Clearer.")
    northshire, eastborough = derived("northshire", slug), derived("eastborough", slug)

    assert apply_national_version(procedure_id=northshire.pk, national_version=version) == (
        "advanced"
    )
    assert apply_national_version(procedure_id=eastborough.pk, national_version=version) == (
        "pending"
    )
    assert apply_national_version(procedure_id=northshire.pk, national_version=version) == (
        "up-to-date"
    )
    assert current_pin(northshire).national_version == version


def test_a_procedure_offered_but_not_yet_published_keeps_its_offer_at_the_newest_version():
    slug = "unaccompanied-asylum-seeking-children"
    offered = derived("eastborough", slug)
    assert not offered.live and current_pin(offered) is None

    version = publish_national(slug, significance="significant", note="New guidance.")
    propagate_national_version(national_version_id=version.pk)

    offered.refresh_from_db()
    assert offered.accepted_national_version == version and not offered.live
