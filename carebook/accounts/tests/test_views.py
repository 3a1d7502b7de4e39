import pytest

from carebook.accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_in_page_uses_govuk_form(client):
    html = client.get("/account/sign-in/").content.decode()
    assert 'autocomplete="email"' in html
    assert 'class="govuk-input"' in html


def test_wrong_password_shows_error_summary_and_signs_nobody_in(client, demo):
    response = client.post(
        "/account/sign-in/", {"username": "editor@northshire.example", "password": "nope"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert "<title>Error: Sign in" in html
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_names_both_fields(client):
    html = client.post("/account/sign-in/", {}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_sign_in_is_case_insensitive_and_follows_next(client, demo):
    response = client.post(
        "/account/sign-in/?next=/northshire/",
        {
            "username": "Editor@Northshire.example",
            "password": "carebook-demo",
            "next": "/northshire/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/northshire/"


def test_sign_in_never_redirects_to_another_site(client, demo):
    response = client.post(
        "/account/sign-in/",
        {
            "username": "editor@northshire.example",
            "password": "carebook-demo",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_inactive_account_is_told_so(client, demo):
    User.objects.filter(email="editor@northshire.example").update(is_active=False)
    html = client.post(
        "/account/sign-in/", {"username": "editor@northshire.example", "password": "carebook-demo"}
    ).content.decode()
    assert "There is a problem" in html


def test_sign_out_needs_a_post(client, demo):
    client.login(username="editor@northshire.example", password="carebook-demo")
    assert client.get("/account/sign-out/").status_code == 405
    assert client.post("/account/sign-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_sends_signed_out_people_to_our_sign_in_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=/admin/")
