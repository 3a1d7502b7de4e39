import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import Collection, GroupPagePermission, Page, Site

from carebook.organisations.models import Organisation, OrganisationHomePage, OrganisationKind
from carebook.organisations.services import provision_organisation

pytestmark = pytest.mark.django_db


def make(slug="testshire", **kwargs):
    defaults = {"name": slug.title(), "slug": slug, "kind": OrganisationKind.LOCAL_AUTHORITY}
    return provision_organisation(**{**defaults, **kwargs})


def test_provisioning_creates_home_groups_and_collection(platform):
    org = make("testshire", brand_colour="#005a30")
    home = org.home_page
    assert isinstance(home, OrganisationHomePage)
    assert home.get_parent().specific == platform
    assert home.live and home.url == "/testshire/"
    assert org.collection.get_parent() == Collection.get_first_root_node()
    assert {org.editor_group.name, org.approver_group.name} == {
        "Testshire editors",
        "Testshire approvers",
    }


def test_page_permissions_are_granted_at_the_organisation_home_only(platform):
    org = make()
    rows = GroupPagePermission.objects.filter(group__in=[org.editor_group, org.approver_group])
    assert {row.page_id for row in rows} == {org.home_page.pk}
    editor = set(rows.filter(group=org.editor_group).values_list("permission__codename", flat=True))
    approver = set(
        rows.filter(group=org.approver_group).values_list("permission__codename", flat=True)
    )
    assert "publish_page" not in editor
    assert "publish_page" in approver


@pytest.mark.parametrize("slug", ["admin", "audits", "account", "api", "search", "Healthz", "pdf"])
def test_reserved_slugs_are_refused_and_nothing_is_written(platform, slug):
    pages_before, groups_before = Page.objects.count(), Group.objects.count()
    organisations_before = Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        make(slug)
    assert "slug" in error.value.message_dict
    assert "used by Carebook itself" in error.value.message_dict["slug"][0]
    assert Organisation.objects.count() == organisations_before
    assert (Page.objects.count(), Group.objects.count()) == (pages_before, groups_before)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("slug", {"slug": "has spaces"}),
        ("slug", {"slug": ""}),
        ("name", {"name": ""}),
        ("brand_colour", {"brand_colour": "red"}),
        ("brand_colour", {"brand_colour": "#12345"}),
        ("kind", {"kind": "spaceship"}),
    ],
)
def test_bad_input_names_the_field(platform, field, kwargs):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        make(**kwargs)
    assert field in error.value.message_dict
    assert Organisation.objects.count() == before


def test_duplicate_slug_and_name_are_refused(platform):
    before = Organisation.objects.count()
    make("testshire")
    with pytest.raises(ValidationError) as error:
        make("testshire", name="Another name")
    assert "slug" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make("another", name="Testshire")
    assert "name" in error.value.message_dict
    assert Organisation.objects.count() == before + 1


def test_hostname_gives_the_organisation_its_own_site(platform):
    org = make(hostname="Procedures.Testshire.example")
    site = Site.objects.get(hostname="procedures.testshire.example")
    assert site.root_page_id == org.home_page.pk
