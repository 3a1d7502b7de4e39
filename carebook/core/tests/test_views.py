import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_broken_database_as_503(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_organisation_gives_our_404_page(client, demo):
    response = client.get("/no-such-organisation/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="carebook-header' in html
    assert "Accessibility statement" in html


def test_unknown_page_under_an_organisation_gives_404(client, demo):
    assert client.get("/northshire/no-such-manual/").status_code == 404


def test_platform_home_lists_organisations_and_their_public_manuals(client, demo):
    from carebook.manuals.tests.factories import make_manual
    from carebook.organisations.models import Organisation

    northshire = Organisation.objects.get(slug="northshire")
    public = make_manual(northshire, title="Public manual", slug="public-manual")
    make_manual(northshire, title="Staff manual", slug="staff-manual", visibility="staff")

    html = client.get("/").content.decode()
    assert "Northshire Council" in html and "Eastborough Council" in html
    assert "Public manual" in html
    assert "Staff manual" not in html
    assert public.url in html
    assert "Demo content — not for practice" in html


def test_organisation_home_is_branded_and_lists_its_manuals(client, demo):
    response = client.get("/northshire/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Northshire Council</h1>" in html
    assert "/northshire/brand.css?v=005a30" in html
    assert "/northshire/childrens-social-care/" in html
    assert "Demo content — not for practice" in html
    empty = client.get("/northshire-police/").content.decode()
    assert "has not published any manuals yet" in empty


def test_brand_stylesheet_holds_colours_with_readable_text(client, demo):
    response = client.get("/northshire/brand.css")
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == (
        ":root{--carebook-brand:#005a30;--carebook-brand-text:#ffffff;}\n"
    )
    assert client.get("/nowhere/brand.css").status_code == 404


def test_accessibility_and_privacy_pages_have_real_content(client):
    for url, heading in (("/accessibility/", "Accessibility statement"), ("/privacy/", "Privacy")):
        html = client.get(url).content.decode()
        assert heading in html
        assert len(re.sub(r"<[^>]+>", " ", html).split()) > 400


def test_server_error_page_renders_without_a_request_context(client):
    from carebook.core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@override_settings(DEBUG=False)
def test_crashing_view_gives_our_500_page_not_a_trace(client, demo):
    client.raise_request_exception = False
    with mock.patch(
        "carebook.organisations.models.OrganisationHomePage.get_context",
        side_effect=RuntimeError("boom"),
    ):
        response = client.get("/northshire/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html and "boom" not in html
