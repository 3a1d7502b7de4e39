"""Publishing through the admin: the workflow, the amendment note, and scheduled publishing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.changes.models import ChangeNote
from carebook.manuals.models import Procedure, ProcedureVersion

from .factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    editor = create_user(email="ed@testshire.example", password=None)
    add_membership(user=editor, organisation=org, role=Role.EDITOR)
    approver = create_user(email="ap@testshire.example", password=None)
    add_membership(user=approver, organisation=org, role=Role.APPROVER)
    return editor, approver


def form(page, *, note, action, body="<p>Updated text.</p>"):
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": streamfield([("section", {"heading": "Purpose", "content": rich_text(body)})]),
        "scope": "",
        "legislation": streamfield([]),
        "keywords": "",
        "related_links": inline_formset([]),
        "owner_role": "Principal Social Worker",
        "review_date": "",
        "amendment_note": note,
        "significance": "significant",
        action: "1",
    }
    return nested_form_data(data)


def test_editor_submits_and_approver_approves_which_publishes_a_version(client, chapter, people):
    editor, approver = people
    page = make_procedure(chapter, title="Lone working")
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/{page.pk}/edit/", form(page, note="Clearer steps.", action="action-submit")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )
    assert ProcedureVersion.objects.filter(procedure=page).count() == 1

    client.force_login(approver)
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert response.status_code in (200, 302)
    latest = ProcedureVersion.objects.filter(procedure=page).order_by("-number").first()
    assert latest.number == 2
    assert latest.amendment_note == "Clearer steps."
    assert latest.sections[0]["text"] == "Updated text."
    assert ChangeNote.objects.filter(procedure=page, kind="updated").exists()


def test_editor_cannot_publish_around_the_workflow(client, chapter, people):
    editor, _ = people
    page = make_procedure(chapter, title="Lone working")
    client.force_login(editor)
    client.post(
        f"/admin/pages/{page.pk}/edit/", form(page, note="Sneaky.", action="action-publish")
    )
    assert ProcedureVersion.objects.filter(procedure=page).count() == 1
    assert Procedure.objects.get(pk=page.pk).amendment_note != "Sneaky."


@pytest.mark.parametrize("action", ["action-submit", "action-publish"])
def test_publishing_without_an_amendment_note_is_refused_with_a_form_error(
    client, chapter, people, action
):
    editor, approver = people
    page = make_procedure(chapter, title="Lone working")
    client.force_login(approver if action == "action-publish" else editor)
    response = client.post(f"/admin/pages/{page.pk}/edit/", form(page, note="  ", action=action))
    assert response.status_code == 200
    assert "Enter an amendment note" in response.content.decode()
    assert ProcedureVersion.objects.filter(procedure=page).count() == 1
    assert not WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()


def test_a_draft_saved_without_a_note_is_fine(client, chapter, people):
    editor, _ = people
    page = make_procedure(chapter, title="Lone working")
    client.force_login(editor)
    response = client.post(f"/admin/pages/{page.pk}/edit/", form(page, note="", action="x"))
    assert response.status_code == 302


def test_the_amendment_note_is_not_carried_into_the_next_draft(client, chapter, people):
    _, approver = people
    page = make_procedure(chapter, title="Lone working", note="First published with care.")
    client.force_login(approver)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "First published with care." not in html


def test_scheduled_publishing_runs_from_the_scheduler_and_writes_a_version(chapter):
    page = make_procedure(chapter, title="Lone working")
    page = Procedure.objects.get(pk=page.pk)
    page.amendment_note = "Goes live later."
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    revision = page.save_revision(approved_go_live_at=page.go_live_at)
    revision.publish()  # with a future go-live time this only schedules it
    assert ProcedureVersion.objects.filter(procedure=page).count() == 1

    # Move the scheduled time into the past, as the clock would.
    past = timezone.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("carebook_scheduler", verbosity=0)
    latest = ProcedureVersion.objects.filter(procedure=page).order_by("-number").first()
    assert latest.number == 2 and latest.amendment_note == "Goes live later."


def test_dashboard_lists_procedures_to_review_for_the_editors_organisation(client, chapter, people):
    editor, _ = people
    make_procedure(
        chapter,
        title="Overdue one",
        owner_role="PSW",
        review_date=timezone.localdate() - dt.timedelta(days=5),
    )
    make_procedure(
        chapter,
        title="Due soon",
        owner_role="PSW",
        review_date=timezone.localdate() + dt.timedelta(days=10),
    )
    make_procedure(
        chapter,
        title="Nobody owns this",
        owner_role="",
        review_date=timezone.localdate() + dt.timedelta(days=300),
    )
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Procedures to review" in html
    overdue_at = html.index("Overdue for review (1)")
    due_at = html.index("Due within 30 days (1)")
    none_at = html.index("No owner (1)")
    assert overdue_at < html.index("Overdue one") < due_at < html.index("Due soon") < none_at
    assert html.index("Nobody owns this") > none_at
    # Another organisation's overdue procedures (the demo library has some) are not listed.
    assert "Private fostering" not in html


def test_editors_can_open_the_add_forms_for_each_page_type(client, org, manual, chapter, people):
    editor, _ = people
    client.force_login(editor)
    for url in (
        f"/admin/pages/add/manuals/manual/{org.home_page.pk}/",
        f"/admin/pages/add/manuals/chapter/{manual.pk}/",
        f"/admin/pages/add/manuals/procedure/{chapter.pk}/",
        f"/admin/pages/{manual.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/admin/pages/add/manuals/procedure/{chapter.pk}/").content.decode()
    assert "Amendment note for this publication" in html


def test_preview_renders_the_draft_through_the_same_render_path(client, chapter, people):
    editor, _ = people
    page = make_procedure(chapter, title="Lone working")
    client.force_login(editor)
    data = form(page, note="Draft note.", action="x", body="<p>Brand new draft words.</p>")
    response = client.post(f"/admin/pages/{page.pk}/edit/preview/", data)
    assert response.status_code == 200 and response.json()["is_valid"]
    html = client.get(f"/admin/pages/{page.pk}/edit/preview/").content.decode()
    assert "Brand new draft words." in html and "This is a draft" in html
    assert 'data-origin="local"' in html
