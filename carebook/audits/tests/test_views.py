import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.accounts.models import User
from carebook.audits.models import Framework, FrameworkVersion
from carebook.audits.services import load_framework

from .helpers import VALID

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/frameworks/"


def signed_in(client, email):
    client.force_login(User.objects.get(email=email))
    return client


def test_framework_page_needs_sign_in(client):
    response = client.get("/audits/frameworks/cscip-2017-edge-of-care/")
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_framework_page_shows_sections_items_scale_source_and_versions(client):
    signed_in(client, "contributor@northshire-police.example")
    response = client.get("/audits/frameworks/cscip-2017-edge-of-care/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adolescents on the edge of care" in html
    assert "govuk-summary-list" in html
    assert "Not in place" in html and "Embedded" in html
    assert "Source: thematic report 2, recommendation 8." in html
    assert "For information" in html  # recommendations 2 and 5
    assert "9 items (7 rated)" in html
    assert 'id="versions"' in html


def test_framework_page_escapes_text(client):
    load_framework(
        data=VALID.replace("Staff are supervised.", "<script>alert(1)</script>").encode()
    )
    signed_in(client, "reader@northshire.example")
    html = client.get("/audits/frameworks/test-framework/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_older_version_and_missing_ones(client):
    load_framework(data=VALID.encode())
    load_framework(data=VALID.replace('version: "2024-01"', 'version: "2025-01"').encode())
    signed_in(client, "reader@northshire.example")
    older = client.get("/audits/frameworks/test-framework/?version=2024-01")
    assert "A newer version is offered for new audits" in older.content.decode()
    assert client.get("/audits/frameworks/test-framework/?version=1999").status_code == 404
    assert client.get("/audits/frameworks/no-such-framework/").status_code == 404


def test_framework_list(client):
    signed_in(client, "reader@northshire.example")
    html = client.get("/audits/frameworks/").content.decode()
    assert "Seven enablers of improvement" in html


# Upload in the admin


def upload(client, text: bytes, **extra):
    return client.post(
        ADMIN_URL,
        {"framework_file": SimpleUploadedFile("f.yaml", text, "application/yaml"), **extra},
    )


def test_superuser_uploads_a_framework(client):
    signed_in(client, "admin@carebook.example")
    assert client.get(ADMIN_URL).status_code == 200
    response = upload(client, VALID.encode())
    assert response.status_code == 302
    assert Framework.objects.filter(ref="test-framework").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Loaded A test framework (test-framework, version 2024-01)." in page


def test_superuser_check_only_writes_nothing(client):
    signed_in(client, "admin@carebook.example")
    upload(client, VALID.encode(), check_only="on")
    assert not Framework.objects.filter(ref="test-framework").exists()


def test_invalid_upload_shows_every_error_and_writes_nothing(client):
    signed_in(client, "admin@carebook.example")
    before = FrameworkVersion.objects.count()
    bad = VALID.replace('ref: "2.1"', 'ref: "1.1"').replace("4: Leaders", "5: Leaders")
    response = upload(client, bad.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was refused and nothing was written (2 problems)" in html
    assert "sections[0].items[0].level_descriptors.5</code>: 5 is not a value on the scale" in html
    assert "“1.1” is used twice" in html.replace("&quot;", "“", 1).replace("&quot;", "”", 1)
    assert FrameworkVersion.objects.count() == before


def test_upload_escapes_text_from_the_file(client):
    signed_in(client, "admin@carebook.example")
    html = upload(client, b"<b>: [").content.decode()
    assert "<b>" not in html.split("nothing was written")[1].split("</ul>")[0]


def test_oversized_and_empty_uploads_are_refused(client):
    signed_in(client, "admin@carebook.example")
    big = upload(client, b"#" * 2_097_153).content.decode()
    assert "The file is 2,097,153 bytes; a framework file may be at most 2 MB" in big
    empty = upload(client, b"").content.decode()
    assert "The file is empty" in empty


@pytest.mark.parametrize(
    "email",
    [
        "editor@northshire.example",
        "orgadmin@northshire.example",
        "auditlead@northshire-safeguarding-partnership.example",
    ],
)
def test_others_cannot_upload(client, email):
    signed_in(client, email)
    assert client.get(ADMIN_URL).status_code == 403
    assert upload(client, VALID.encode()).status_code == 403
    assert not Framework.objects.filter(ref="test-framework").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(ADMIN_URL)
    assert response.status_code == 302
    assert upload(client, VALID.encode()).status_code == 302
    assert not Framework.objects.filter(ref="test-framework").exists()
