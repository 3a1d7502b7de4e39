"""An editor of one organisation can never reach another's pages or documents in the admin."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(demo):
    return {org.slug: org for org in Organisation.objects.all()}


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.get(email="editor@northshire.example"))
    return client


def add_child(parent, title):
    page = Page(title=title, slug=title.lower().replace(" ", "-"))
    parent.add_child(instance=page)
    return page


def test_editor_cannot_open_another_organisations_page_in_the_admin(orgs, editor_client):
    theirs = orgs["eastborough"].home_page
    own = orgs["northshire"].home_page
    assert editor_client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert editor_client.get(f"/admin/pages/{theirs.pk}/edit/").status_code in {302, 403}
    response = editor_client.get(f"/admin/pages/{theirs.pk}/")
    assert response.status_code in {302, 403} or "Eastborough" not in response.content.decode()


def test_editor_cannot_edit_or_publish_another_organisations_page_by_form_post(orgs, editor_client):
    theirs = orgs["eastborough"].home_page
    for action in ({}, {"action-publish": "action-publish"}, {"action-submit": "1"}):
        response = editor_client.post(
            f"/admin/pages/{theirs.pk}/edit/",
            {"title": "Taken over", "slug": "eastborough", **action},
        )
        assert response.status_code in {302, 403}
    theirs.refresh_from_db()
    assert theirs.title == "Eastborough Council"
    assert not theirs.has_unpublished_changes


def test_editor_cannot_add_pages_under_another_organisation(orgs, editor_client):
    theirs = orgs["eastborough"].home_page
    count = Page.objects.count()
    url = f"/admin/pages/add/wagtailcore/page/{theirs.pk}/"
    assert editor_client.get(url).status_code in {302, 403}
    editor_client.post(url, {"title": "Intruder", "slug": "intruder"})
    assert Page.objects.count() == count


def test_editor_cannot_delete_move_or_copy_another_organisations_page(orgs, editor_client):
    child = add_child(orgs["eastborough"].home_page, "Their page")
    for url in (
        f"/admin/pages/{child.pk}/delete/",
        f"/admin/pages/{child.pk}/move/",
        f"/admin/pages/{child.pk}/copy/",
        f"/admin/pages/{child.pk}/unpublish/",
    ):
        assert editor_client.post(url).status_code in {302, 403}, url
    child.refresh_from_db()
    assert child.live


def test_editor_cannot_publish_own_page_directly(orgs, editor_client):
    own = add_child(orgs["northshire"].home_page, "Our page")
    editor_client.post(
        f"/admin/pages/{own.pk}/edit/",
        {"title": "Changed", "slug": "our-page", "action-publish": "action-publish"},
    )
    own.refresh_from_db()
    assert own.title == "Our page"


def test_page_chooser_shows_only_own_organisation(orgs, editor_client):
    add_child(orgs["northshire"].home_page, "Northshire only page")
    add_child(orgs["eastborough"].home_page, "Eastborough only page")
    html = editor_client.get("/admin/choose-page/search/?q=only+page").content.decode()
    assert "Northshire only page" in html
    assert "Eastborough only page" not in html
    platform_id = orgs["northshire"].home_page.get_parent().pk
    html = editor_client.get(f"/admin/choose-page/{platform_id}/").content.decode()
    assert "Northshire Council" in html
    assert "Eastborough Council" not in html


def test_document_listing_and_chooser_show_only_own_organisation(orgs, editor_client):
    for slug in ("northshire", "eastborough"):
        Document.objects.create(
            title=f"{slug} leaflet",
            file=ContentFile(b"%PDF-1.4 demo", name=f"{slug}.pdf"),
            collection=orgs[slug].collection,
        )
    for url in ("/admin/documents/", "/admin/documents/chooser/"):
        html = editor_client.get(url).content.decode()
        assert "northshire leaflet" in html, url
        assert "eastborough leaflet" not in html, url


def test_image_chooser_shows_only_own_organisation(orgs, editor_client):
    for slug in ("northshire", "eastborough"):
        Image.objects.create(
            title=f"{slug} logo", file=get_test_image_file(), collection=orgs[slug].collection
        )
    for url in ("/admin/images/", "/admin/images/chooser/"):
        html = editor_client.get(url).content.decode()
        assert "northshire logo" in html, url
        assert "eastborough logo" not in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/locked/",
        "/admin/reports/site-history/",
        "/admin/reports/page-types-usage/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/sites/",
        "/admin/collections/",
        "/admin/workflows/list/",
    ],
)
def test_global_admin_areas_are_closed_to_editors_but_open_to_platform_admins(
    orgs, editor_client, client, url
):
    assert editor_client.get(url).status_code == 403
    client.force_login(User.objects.get(email="admin@carebook.example"))
    assert client.get(url).status_code == 200


def test_main_menu_has_no_global_areas_for_editors(orgs, editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "/admin/reports/" not in html
    assert "/admin/users/" not in html


def test_people_without_an_editing_role_cannot_enter_the_admin(orgs, client):
    client.force_login(User.objects.get(email="reader@northshire.example"))
    response = client.get("/admin/")
    assert response.status_code in {302, 403}


@pytest.mark.parametrize("action", ["delete", "move", "copy", "unpublish"])
@pytest.mark.parametrize("email", ["approver@northshire.example", "admin@carebook.example"])
def test_organisation_home_pages_cannot_be_deleted_moved_copied_or_unpublished(
    orgs, client, action, email
):
    client.force_login(User.objects.get(email=email))
    home = orgs["northshire"].home_page
    pages = Page.objects.count()
    response = client.post(
        f"/admin/pages/{home.pk}/{action}/",
        {"new_title": "Copy", "new_slug": "copy", "new_parent_page": home.get_parent().pk},
        follow=True,
    )
    assert response.status_code in {200, 403}
    home.refresh_from_db()
    assert home.live and home.get_parent().depth == 2
    assert Page.objects.count() == pages


def test_admin_page_search_shows_only_own_organisation(orgs, editor_client):
    add_child(orgs["northshire"].home_page, "Northshire searchable")
    add_child(orgs["eastborough"].home_page, "Eastborough searchable")
    html = editor_client.get("/admin/pages/search/?q=searchable").content.decode()
    assert "Northshire searchable" in html
    assert "Eastborough searchable" not in html
