"""Editing derived procedures in the admin, and who may change what."""

import pytest
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.changes.models import ChangeKind, ChangeNote
from carebook.manuals.models import Procedure
from carebook.manuals.selectors import latest_version

from ..models import Subscription
from .conftest import STEPS, national_sections
from .helpers import derived, pinned_number, publish_national

pytestmark = pytest.mark.django_db


def local_form(page, *, action, amendments=(), accept=False, note="Local arrangements.", **extra):
    data = {
        "title": page.title,
        "slug": page.slug,
        "local_amendments": streamfield(
            [
                (
                    "amendment",
                    {
                        "position": position,
                        "section": anchor,
                        "heading": "",
                        "content": rich_text(f"<p>{text}</p>"),
                    },
                )
                for position, anchor, text in amendments
            ]
        ),
        "hidden_reason": "",
        "related_links": inline_formset([]),
        "amendment_note": note,
        "significance": "significant",
        action: "1",
        **extra,
    }
    if accept:
        data["accept_national_change"] = "on"
    return nested_form_data(data)


def test_subscriber_editor_cannot_open_or_change_national_content(client, people, national):
    client.force_login(people["editor"])
    response = client.get(f"/admin/pages/{national.pk}/edit/")
    assert response.status_code in (302, 403)
    before = latest_version(national).sections
    client.post(f"/admin/pages/{national.pk}/edit/", {"title": "Hijacked", "action-publish": "1"})
    assert latest_version(national).sections == before
    assert Procedure.objects.get(pk=national.pk).title == "Lone working"


def test_publisher_editor_cannot_change_local_content(client, people, review, national):
    page = derived(review[1], national)
    client.force_login(people["publisher_editor"])
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code in (302, 403)
    client.post(
        f"/admin/pages/{page.pk}/edit/",
        local_form(page, action="action-publish", amendments=[("end", "", "Publisher text.")]),
    )
    assert latest_version(page).local_amendments == []


def test_derived_form_has_no_national_fields_and_ignores_posted_national_text(
    client, people, review, national
):
    page = derived(review[1], national)
    client.force_login(people["editor"])
    form = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="local_amendments-count"' in form or "local_amendments" in form
    assert 'id="id_summary"' not in form and 'id="id_body"' not in form
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        local_form(
            page,
            action="action-submit",
            amendments=[("after", STEPS, "Our local step.")],
            summary="Changed national summary",
            body=streamfield([]),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Procedure.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert len(draft.local_amendments) == 1
    assert draft.summary == national.summary


def test_local_content_attached_to_a_missing_section_is_refused_with_a_message(
    client, people, review, national
):
    page = derived(review[1], national)
    client.force_login(people["editor"])
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        local_form(page, action="action-submit", amendments=[("after", "nonsense", "Lost.")]),
    )
    assert response.status_code == 200
    assert "not in national version 1" in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()


def test_editor_accepts_a_pending_change_through_the_workflow(client, people, review, national):
    page = derived(review[1], national)
    new = publish_national(national, sections=national_sections("<p>Call 999 first.</p>"))
    client.force_login(people["editor"])
    form = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f"Accept national version {new.number}" in form
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        local_form(page, action="action-submit", accept=True, note="Checked."),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert pinned_number(page) == 1  # nothing moves until approval

    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    task_state = state.current_task_state
    client.force_login(people["approver"])
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    assert pinned_number(page) == 2
    assert ChangeNote.objects.filter(procedure=page, kind=ChangeKind.NATIONAL_UPDATE).exists()


def test_overview_lists_pending_changes_for_the_subscriber_and_subscribers_for_publisher(
    client, people, review, national
):
    publish_national(national, sections=national_sections("<p>Changed.</p>"))
    client.force_login(people["editor"])
    page = client.get("/admin/national/").content.decode()
    assert "National changes waiting for review (1)" in page and "Lone working" in page
    client.force_login(people["publisher_editor"])
    page = client.get("/admin/national/").content.decode()
    assert "Reviewshire Council" in page and "1 of 1" in page


def test_only_organisation_administrators_subscribe(client, people, base, review):
    organisation, _ = review
    from carebook.manuals.tests.factories import make_manual

    second = make_manual(organisation, title="Second", slug="second")
    client.force_login(people["editor"])
    assert client.get("/admin/national/subscribe/").status_code in (302, 403)
    client.post(
        "/admin/national/subscribe/", {"manual": second.pk, "base": base.pk, "scope": "whole"}
    )
    assert not Subscription.objects.filter(manual=second).exists()

    admin = create_user(email="admin@reviewshire.example", password=None)
    add_membership(user=admin, organisation=organisation, role=Role.ORGANISATION_ADMIN)
    client.force_login(admin)
    response = client.post(
        "/admin/national/subscribe/", {"manual": second.pk, "base": second.pk, "scope": "whole"}
    )
    assert response.status_code == 400
    response = client.post(
        "/admin/national/subscribe/", {"manual": second.pk, "base": base.pk, "scope": "chapters"}
    )
    assert response.status_code == 400 and "Tick at least one chapter" in response.content.decode()
    assert not Subscription.objects.filter(manual=second).exists()
    response = client.post(
        "/admin/national/subscribe/", {"manual": second.pk, "base": base.pk, "scope": "whole"}
    )
    assert response.status_code == 302
    assert Subscription.objects.filter(manual=second, base=base).exists()


def test_organisation_admin_chooses_how_national_updates_arrive(client, people, review):
    organisation, _ = review
    admin = create_user(email="admin@reviewshire.example", password=None)
    add_membership(user=admin, organisation=organisation, role=Role.ORGANISATION_ADMIN)
    client.force_login(admin)
    page = client.get("/admin/national/").content.decode()
    assert "When the publisher changes a procedure" in page
    client.post(
        "/admin/national/", {"organisation": organisation.pk, "national_updates": "automatic"}
    )
    organisation.refresh_from_db()
    assert organisation.national_updates == "automatic"

    client.force_login(people["editor"])  # an editor is not an organisation admin
    response = client.post(
        "/admin/national/", {"organisation": organisation.pk, "national_updates": "review"}
    )
    assert response.status_code in (302, 403)
    organisation.refresh_from_db()
    assert organisation.national_updates == "automatic"
