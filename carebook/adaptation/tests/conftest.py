"""A small publisher with a base manual, and two subscribing organisations (automatic and
review first), built through the real services and Wagtail publishing."""

import pytest

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.manuals.tests.factories import make_chapter, make_manual, make_procedure, section
from carebook.organisations.models import NationalUpdates, OrganisationKind
from carebook.organisations.services import provision_organisation

from ..services import subscribe

PURPOSE = "a0000000-0000-4000-8000-000000000001"
STEPS = "a0000000-0000-4000-8000-000000000002"
RECORDS = "a0000000-0000-4000-8000-000000000003"


def national_sections(steps="<p>Call the duty team first.</p>", *, records=True):
    sections = [
        section("Purpose", "<p>Why this procedure exists.</p>", PURPOSE),
        section("Steps", steps, STEPS),
    ]
    if records:
        sections.append(section("Records", "<p>Record every decision.</p>", RECORDS))
    return sections


@pytest.fixture
def publisher(platform):
    return provision_organisation(
        name="Test Publisher", slug="test-publisher", kind=OrganisationKind.PUBLISHER
    )


@pytest.fixture
def base(publisher):
    return make_manual(publisher, title="Base manual", slug="base")


@pytest.fixture
def base_chapter(base):
    return make_chapter(base, title="Safeguarding", slug="safeguarding")


@pytest.fixture
def national(base_chapter):
    return make_procedure(
        base_chapter, title="Lone working", slug="lone-working", sections=national_sections()
    )


def _subscriber(name, slug, policy, base):
    organisation = provision_organisation(
        name=name, slug=slug, kind=OrganisationKind.LOCAL_AUTHORITY
    )
    organisation.national_updates = policy
    organisation.save()
    manual = make_manual(organisation, title="Local manual", slug="procedures")
    subscribe(manual=manual, base=base)
    return organisation, manual


@pytest.fixture
def automatic(base, national):
    return _subscriber("Autoshire Council", "autoshire", NationalUpdates.AUTOMATIC, base)


@pytest.fixture
def review(base, national):
    return _subscriber("Reviewshire Council", "reviewshire", NationalUpdates.REVIEW, base)


@pytest.fixture
def people(publisher, review):
    organisation, _ = review

    def person(email, org, role):
        user = create_user(email=email, password=None)
        add_membership(user=user, organisation=org, role=role)
        return user

    return {
        "publisher_editor": person("ed@publisher.example", publisher, Role.EDITOR),
        "editor": person("ed@reviewshire.example", organisation, Role.EDITOR),
        "approver": person("ap@reviewshire.example", organisation, Role.APPROVER),
    }
