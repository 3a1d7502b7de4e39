import pytest

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Westmere Council",
    "slug": "westmere",
    "kind": "local_authority",
    "brand_colour": "#225533",
    "hostname": "",
}


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.get(email="admin@carebook.example"))
    return client


def test_platform_admin_adds_an_organisation_with_its_home_page(admin_client):
    response = admin_client.post("/admin/organisations/new/", NEW)
    assert response.status_code == 302
    org = Organisation.objects.get(slug="westmere")
    assert org.home_page.url == "/westmere/"
    assert org.editor_group and org.approver_group and org.collection
    assert admin_client.get("/westmere/").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "admin"}, "used by Carebook itself"),
        ({"slug": "northshire"}, "already exists"),
        ({"brand_colour": "blue"}, "six hexadecimal digits"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_organisation_is_refused_with_the_reason_and_nothing_saved(
    admin_client, change, message
):
    before = Organisation.objects.count()
    response = admin_client.post("/admin/organisations/new/", {**NEW, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.count() == before


def test_slug_cannot_be_changed_after_creation(admin_client):
    org = Organisation.objects.get(slug="northshire")
    admin_client.post(
        f"/admin/organisations/edit/{org.pk}/",
        {
            "name": "Northshire County Council",
            "slug": "hijack",
            "kind": "local_authority",
            "brand_colour": "#005a30",
        },
    )
    org.refresh_from_db()
    assert org.name == "Northshire County Council"
    assert org.slug == "northshire"


def test_editors_cannot_manage_organisations(client, demo):
    client.force_login(User.objects.get(email="orgadmin@northshire.example"))
    assert client.get("/admin/organisations/").status_code in {302, 403}
    client.force_login(User.objects.get(email="editor@northshire.example"))
    assert client.get("/admin/organisations/").status_code == 403
    assert client.post("/admin/organisations/new/", NEW).status_code == 403
    assert not Organisation.objects.filter(slug="westmere").exists()
