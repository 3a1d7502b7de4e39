"""National base and local content, state by state, through the real services and Wagtail."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carebook.changes.models import ChangeKind, ChangeNote
from carebook.manuals.models import Procedure, ProcedureVersion
from carebook.manuals.selectors import latest_version
from carebook.manuals.tests.factories import make_manual, make_procedure, republish
from carebook.search.selectors import search

from ..models import Pin, Subscription
from ..selectors import flagged_amendments, pending_change, subscribers_of
from ..services import propagate_national_version, propagate_withdrawal, subscribe
from .conftest import PURPOSE, RECORDS, STEPS, national_sections
from .helpers import (
    amendment,
    derived,
    pinned_number,
    publish_local,
    publish_national,
    rendered,
)

pytestmark = pytest.mark.django_db


def notes(page, kind=None):
    found = ChangeNote.objects.filter(procedure=page)
    return list(found.filter(kind=kind) if kind else found)


def found(organisation, manual, query):
    return search(query=query, organisation_id=organisation.pk, manual_ids=[manual.pk]).total


# -- Subscribing ------------------------------------------------------------------------------


def test_subscribing_makes_derived_pages_that_hold_no_national_text(automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    assert page.live and page.get_parent().specific.derived_from_id == national.get_parent().pk
    assert len(page.body) == 0
    version = latest_version(page)
    assert version.sections == [] and version.national_version == latest_version(national)
    assert Pin.objects.get(procedure=page, live_until__isnull=True).national_version.number == 1
    sections = rendered(page).sections
    assert [s.section_id for s in sections] == [PURPOSE, STEPS, RECORDS]
    assert {s.origin for s in sections} == {"national"}
    assert found(organisation, manual, "duty") == 1


def test_subscribing_twice_to_itself_or_to_a_plain_manual_is_refused(automatic, base, publisher):
    organisation, manual = automatic
    with pytest.raises(ValidationError, match="already follows"):
        subscribe(manual=manual, base=base)
    with pytest.raises(ValidationError, match="cannot follow itself"):
        subscribe(manual=base, base=base)
    other = make_manual(organisation, title="Other", slug="other")
    with pytest.raises(ValidationError, match="not a base manual"):
        subscribe(manual=other, base=manual)
    own = make_manual(publisher, title="Second base", slug="second-base")
    with pytest.raises(ValidationError, match="cannot follow another of its own"):
        subscribe(manual=own, base=base)
    assert Subscription.objects.filter(manual=other).count() == 0


def test_subscribing_by_chapters_follows_only_those(base, national, publisher):
    from carebook.manuals.tests.factories import make_chapter
    from carebook.organisations.models import OrganisationKind
    from carebook.organisations.services import provision_organisation

    second = make_chapter(base, title="Court", slug="court")
    make_procedure(second, title="Court reports", slug="court-reports")
    organisation = provision_organisation(
        name="Partshire", slug="partshire", kind=OrganisationKind.LOCAL_AUTHORITY
    )
    manual = make_manual(organisation, title="Local", slug="local")
    subscribe(manual=manual, base=base, chapters=[second])
    titles = list(Procedure.objects.descendant_of(manual).values_list("title", flat=True))
    assert titles == ["Court reports"]
    with pytest.raises(ValidationError, match="already follows"):
        subscribe(manual=manual, base=base, chapters=[national.get_parent()])


# -- Automatic and review first ----------------------------------------------------------------


def test_automatic_subscriber_advances_with_a_national_update_note(automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    publish_national(
        national,
        sections=national_sections("<p>Call the emergency duty team first.</p>"),
        note="Out-of-hours contact added.",
    )
    assert pinned_number(page) == 2
    [note] = notes(page, ChangeKind.NATIONAL_UPDATE)
    assert note.amendment_note == "Out-of-hours contact added."
    assert note.national_version.number == 2 and note.organisation == organisation
    assert "emergency duty team" in rendered(page).text
    assert found(organisation, manual, "emergency") == 1


def test_review_first_subscriber_keeps_its_pin_until_an_editor_accepts(review, national):
    organisation, manual = review
    page = derived(manual, national)
    new = publish_national(
        national, sections=national_sections("<p>Call the emergency duty team first.</p>")
    )
    assert pinned_number(page) == 1
    assert "emergency" not in rendered(page).text
    pending = pending_change(page)
    assert pending.latest == new and pending.significant
    assert any(change.status == "changed" for change in pending.changes)
    assert notes(page, ChangeKind.NATIONAL_UPDATE) == []

    publish_local(page, accept=new, note="Checked against our arrangements.")
    assert pinned_number(page) == 2
    assert pending_change(page) is None
    [note] = notes(page, ChangeKind.NATIONAL_UPDATE)
    assert note.amendment_note == "National change."
    assert "emergency" in rendered(page).text
    assert Procedure.objects.get(pk=page.pk).accepted_national_version is None


def test_an_old_draft_never_moves_the_pin_back(automatic, national):
    _, manual = automatic
    page = derived(manual, national)
    first = latest_version(national)
    publish_national(national, sections=national_sections("<p>Version two.</p>"))
    publish_local(page, accept=first, note="An old draft.")
    assert pinned_number(page) == 2


def test_minor_national_change_advances_everyone_without_notes_but_still_flags(
    automatic, review, national
):
    pages = [derived(manual, national) for _, manual in (automatic, review)]
    for page in pages:
        publish_local(page, amendments=[amendment("after", STEPS, "Our local step.")])
    before = ChangeNote.objects.count()
    publish_national(
        national,
        sections=national_sections("<p>Call the duty team first!</p>"),
        significance="minor",
    )
    assert ChangeNote.objects.count() == before
    for page in pages:
        assert pinned_number(page) == 2
        [local] = [s for s in rendered(page).sections if s.is_amendment]
        assert local.flags == ["anchor-changed"] and "<ins>" in local.anchor_redline


def test_minor_change_does_not_skip_a_significant_one_waiting_for_review(review, national):
    _, manual = review
    page = derived(manual, national)
    publish_national(national, sections=national_sections("<p>Significant change.</p>"))
    publish_national(
        national, sections=national_sections("<p>Significant change!</p>"), significance="minor"
    )
    assert pinned_number(page) == 1
    assert pending_change(page).latest.number == 3


# -- Local content is never lost ---------------------------------------------------------------


def test_local_content_is_merged_and_marked_with_the_organisation(automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    publish_local(
        page,
        amendments=[
            amendment("before", PURPOSE, "Read this first."),
            amendment("replace", STEPS, "Our own steps."),
            amendment("end", "", "Local contacts."),
        ],
    )
    sections = rendered(page).sections
    assert [(s.origin, s.text) for s in sections] == [
        ("local", "Read this first."),
        ("national", "Why this procedure exists."),
        ("local", "Our own steps."),
        ("national", "Record every decision."),
        ("local", "Local contacts."),
    ]
    assert {s.organisation_slug for s in sections if s.origin == "local"} == {"autoshire"}


def test_anchor_changed_is_flagged_until_republished(automatic, national):
    _, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the local office.")])
    publish_national(national, sections=national_sections("<p>Call the police first.</p>"))
    [flag] = flagged_amendments(manual)
    assert flag.procedure == page and not flag.vanished
    assert "Ring the local office." in rendered(page).text
    publish_local(page, note="Checked our local content.")
    assert flagged_amendments(manual) == []


def test_flags_and_redlines_are_stored_when_the_version_is_written(
    automatic, national, django_assert_num_queries
):
    from django.core.cache import cache

    from carebook.manuals.selectors import render_inputs

    _, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the local office.")])
    publish_national(national, sections=national_sections("<p>Call the police first.</p>"))
    version = ProcedureVersion.objects.get(pk=latest_version(page).pk)
    [stored] = version.amendment_flags
    assert stored["flags"] == ["anchor-changed"]
    assert "<ins>" in stored["anchor_redline"] and "police" in stored["anchor_redline"]
    cache.clear()
    # The first reading of the version needs no query or word diff of its own.
    with django_assert_num_queries(1):  # the national version it is pinned to
        inputs = render_inputs(version)
    assert inputs.amendments == version.amendment_flags


def test_anchor_vanished_is_shown_at_the_end_flagged_until_reanchored(automatic, national):
    _, manual = automatic
    page = derived(manual, national)
    kept = amendment("after", RECORDS, "Use the local records system.")
    publish_local(page, amendments=[kept])
    publish_national(national, sections=national_sections(records=False))
    last = rendered(page).sections[-1]
    assert last.text == "Use the local records system." and last.flags == ["anchor-vanished"]
    assert flagged_amendments(manual)[0].vanished
    kept["value"]["section"] = PURPOSE
    publish_local(page, amendments=[kept], note="Re-attached.")
    assert flagged_amendments(manual) == []


def test_a_draft_attached_to_a_missing_section_is_refused(automatic, national):
    from ..services import validate_anchors

    errors = validate_anchors(
        [{"position": "after", "anchor_section_id": "no-such-section"}],
        latest_version(national),
    )
    assert errors and "not in national version 1" in errors[0]


# -- Withdrawn and new national procedures -----------------------------------------------------


def test_withdrawn_national_procedure_is_withdrawn_locally_with_a_note(automatic, national):
    _, manual = automatic
    page = derived(manual, national)
    national.unpublish()
    propagate_withdrawal(national_procedure_id=national.pk)
    page.refresh_from_db()
    assert not page.live and page.current_withdrawal is not None
    [note] = notes(page, ChangeKind.WITHDRAWN)
    assert "publisher has withdrawn" in note.amendment_note
    assert Procedure.objects.filter(pk=page.pk).exists()
    propagate_withdrawal(national_procedure_id=national.pk)
    assert len(notes(page, ChangeKind.WITHDRAWN)) == 1


def test_new_national_procedure_appears_automatically_or_is_offered(
    automatic, review, base_chapter
):
    added = make_procedure(base_chapter, title="Home visits", slug="home-visits")
    result = propagate_national_version(national_version_id=latest_version(added).pk)
    assert (result.added, result.offered) == (1, 1)
    auto_page = derived(automatic[1], added)
    review_page = derived(review[1], added)
    assert auto_page.live and notes(auto_page, ChangeKind.NEW)
    assert not review_page.live and review_page.accepted_national_version is not None
    publish_local(review_page, note="We use this procedure.")
    assert Procedure.objects.get(pk=review_page.pk).live
    assert pinned_number(review_page) == 1
    again = propagate_national_version(national_version_id=latest_version(added).pk)
    assert (again.added, again.offered) == (0, 0)


# -- Interrupted and repeated propagation ------------------------------------------------------


def test_propagation_run_again_completes_without_duplicates(automatic, review, national):
    from ..services import apply_national_version

    page = derived(automatic[1], national)
    republish(national, note="Second.", body=national_sections("<p>Second.</p>"))
    version = latest_version(national)
    # The worker dies after the first subscriber: only one was brought up to date.
    apply_national_version(procedure_id=page.pk, national_version=version)
    versions_before = ProcedureVersion.objects.count()
    propagate_national_version(national_version_id=version.pk)
    propagate_national_version(national_version_id=version.pk)
    assert len(notes(page, ChangeKind.NATIONAL_UPDATE)) == 1
    assert ProcedureVersion.objects.count() == versions_before  # review first: pending only
    assert Pin.objects.filter(procedure=page, live_until__isnull=True).count() == 1


def test_publishing_nationally_queues_propagation_after_commit(
    automatic, national, django_capture_on_commit_callbacks
):
    page = derived(automatic[1], national)
    with django_capture_on_commit_callbacks(execute=True):
        republish(national, note="Queued.", body=national_sections("<p>Queued change.</p>"))
    assert pinned_number(page) == 2


# -- History and as it stood on ----------------------------------------------------------------


def test_as_at_shows_the_national_version_pinned_then_with_local_content_of_then(
    client, automatic, national
):
    _, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Old local step.")])
    publish_national(national, sections=national_sections("<p>Brand new national step.</p>"))
    publish_local(page, amendments=[amendment("after", STEPS, "New local step.")])
    past = timezone.now() - dt.timedelta(days=3)
    versions = list(page.versions.order_by("number"))
    ProcedureVersion.objects.filter(pk__in=[v.pk for v in versions[:2]]).update(published_at=past)
    day = timezone.localdate() - dt.timedelta(days=2)
    response = client.get(f"{page.url}?as_at={day.isoformat()}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Old local step." in text and "Call the duty team first." in text
    assert "New local step." not in text and "Brand new national step." not in text
    history = client.get(f"{page.url}history/?from=2&to={versions[-1].number}").content.decode()
    words = re.sub(r"Added: |Removed: ", "", re.sub(r"<[^>]+>", "", history))
    assert "New local step." in words and "Added: </span>Brand</ins>" in history


# -- Publisher view ----------------------------------------------------------------------------


def test_publisher_sees_who_is_behind_and_since_when(automatic, review, base, national):
    new = publish_national(national, sections=national_sections("<p>Changed.</p>"))
    summaries = {s.organisation.slug: s for s in subscribers_of(base)}
    assert summaries["reviewshire"].behind == 1
    assert summaries["reviewshire"].oldest_pending == new.published_at
    assert summaries["autoshire"].behind == 0


# -- Hiding ------------------------------------------------------------------------------------


def test_hidden_procedure_says_why_and_leaves_listings_and_search(client, automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    publish_local(page, hidden_locally=True, hidden_reason="We use the county procedure.")
    response = client.get(page.url)
    assert response.status_code == 404
    assert "We use the county procedure." in response.content.decode()
    assert page.title not in client.get(manual.url).content.decode()
    assert found(organisation, manual, "duty") == 0
