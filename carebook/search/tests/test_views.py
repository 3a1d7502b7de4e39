"""The public search pages: scoping to what the reader may open, filters, paging, bad input."""

import pytest

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.manuals.tests.factories import make_chapter, make_manual, make_procedure, section
from carebook.organisations.models import OrganisationKind
from carebook.organisations.services import provision_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(platform):
    return provision_organisation(
        name="Searchshire Council", slug="searchshire", kind=OrganisationKind.LOCAL_AUTHORITY
    )


@pytest.fixture
def manuals(org):
    public = make_manual(org, title="Public procedures", slug="public")
    staff = make_manual(org, title="Staff guidance", slug="staff", visibility="staff")
    for manual, word in ((public, "Kinship"), (staff, "Kinship")):
        chapter = make_chapter(manual, title="Care", slug="care")
        make_procedure(
            chapter,
            title=f"{word} care in the {manual.slug} manual",
            sections=[section("What to do", f"<p>{word} carers get support visits.</p>")],
        )
    return public, staff


def test_organisation_search_leaves_out_staff_only_manuals_for_outsiders(client, manuals):
    html = client.get("/searchshire/search/?q=kinship").content.decode()
    assert "Kinship care in the public manual" in html
    assert "staff manual" not in html


def test_members_find_staff_only_procedures(client, org, manuals):
    member = create_user(email="reader@searchshire.example", password=None)
    add_membership(user=member, organisation=org, role=Role.READER)
    client.force_login(member)
    html = client.get("/searchshire/search/?q=kinship").content.decode()
    assert "Kinship care in the staff manual" in html
    assert "Kinship care in the public manual" in html


def test_searching_a_staff_only_manual_needs_sign_in_then_membership(client, manuals):
    response = client.get("/searchshire/staff/search/?q=kinship")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    client.force_login(create_user(email="outsider@example.org", password=None))
    assert client.get("/searchshire/staff/search/?q=kinship").status_code == 404


def test_results_are_highlighted_and_escaped(client, manuals):
    html = client.get("/searchshire/public/search/?q=support+visits").content.decode()
    assert "<mark>" in html
    html = client.get("/searchshire/public/search/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        '"unbalanced',
        "AND OR NOT",
        "NEAR(",
        "-",
        "*",
        "\x00\x01",
        "🙂🙂",
        "'; DROP TABLE x;--",
        "a" * 10_000,
        "title:kinship",
        "kinship^2",
    ],
)
def test_bad_queries_give_a_normal_page(client, manuals, query):
    response = client.get("/searchshire/public/search/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"page": "x"},
        {"page": "-4"},
        {"page": "99999"},
        {"chapter": "abc"},
        {"chapter": "999999"},
        {"audience": "<b>"},
    ],
)
def test_bad_filters_and_pages_are_ignored_not_errors(client, manuals, params):
    response = client.get("/searchshire/public/search/", {"q": "kinship", **params})
    assert response.status_code == 200


def test_unknown_organisation_or_manual_is_404(client, manuals):
    assert client.get("/nowhere/search/?q=x").status_code == 404
    assert client.get("/searchshire/nowhere/search/?q=x").status_code == 404
