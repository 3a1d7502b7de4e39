import pytest

from carebook.organisations.models import OrganisationKind
from carebook.organisations.services import provision_organisation

from .factories import make_chapter, make_manual


@pytest.fixture
def org(platform):
    return provision_organisation(
        name="Testshire Council", slug="testshire", kind=OrganisationKind.LOCAL_AUTHORITY
    )


@pytest.fixture
def publisher(platform):
    return provision_organisation(
        name="Test Publisher", slug="test-publisher", kind=OrganisationKind.PUBLISHER
    )


@pytest.fixture
def manual(org):
    return make_manual(
        org,
        glossary=[("child in need", "CIN", "A child who needs services to be safe and well.")],
    )


@pytest.fixture
def chapter(manual):
    return make_chapter(manual)
