import pytest
from django.core.management import call_command

from carebook.accounts.models import Membership, User
from carebook.organisations.models import Organisation

pytestmark = pytest.mark.django_db

CONTRACT_ORGANISATIONS = {
    "national-library": "publisher",
    "northshire": "local_authority",
    "eastborough": "local_authority",
    "northshire-safeguarding-partnership": "safeguarding_partnership",
    "northshire-police": "police",
    "northshire-health": "health",
    "northshire-schools": "education",
}


def counts():
    return (Organisation.objects.count(), User.objects.count(), Membership.objects.count())


def test_demo_data_follows_the_contract(demo, client):
    assert dict(Organisation.objects.values_list("slug", "kind")) == CONTRACT_ORGANISATIONS
    assert all(Organisation.objects.values_list("is_demo", flat=True))
    for email in (
        "editor@northshire.example",
        "approver@eastborough.example",
        "auditlead@northshire-safeguarding-partnership.example",
        "contributor@northshire-police.example",
        "seniorlead@northshire-health.example",
        "editor@national-library.example",
    ):
        assert client.login(username=email, password="carebook-demo"), email
    admin = User.objects.get(email="admin@carebook.example")
    assert admin.is_superuser
    assert client.login(username=admin.email, password="carebook-demo")


def test_loading_twice_creates_nothing_more_and_overwrites_nothing(demo):
    org = Organisation.objects.get(slug="northshire")
    org.name = "Northshire County Council"
    org.save()
    user = User.objects.get(email="editor@northshire.example")
    user.set_password("changed by the person")
    user.save()
    before = counts()

    call_command("load_demo", verbosity=0)

    assert counts() == before
    assert Organisation.objects.get(slug="northshire").name == "Northshire County Council"
    assert User.objects.get(email="editor@northshire.example").check_password(
        "changed by the person"
    )


def test_loading_recreates_what_was_removed(demo):
    User.objects.filter(email="leader@northshire-police.example").delete()
    call_command("load_demo", verbosity=0)
    assert User.objects.filter(email="leader@northshire-police.example").exists()


def test_demo_logins_are_printed(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "carebook-demo" in out
    assert "editor@northshire.example" in out
    assert "admin@carebook.example" in out
