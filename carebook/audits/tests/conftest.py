"""Fixtures for audit cycles: a small framework, the demo partnership and its people."""

import datetime as dt

import pytest

from carebook.accounts.models import User
from carebook.audits import services_audits
from carebook.audits.services import load_framework
from carebook.organisations.models import Organisation

from .helpers import valid_bytes

PARTNERSHIP = "northshire-safeguarding-partnership"
# The `audit` fixture's title: the demo data has audits of the same partnership too.
TEST_AUDIT = "Test audit 2026"


def login(role: str, slug: str) -> User:
    return User.objects.get(email=f"{role}@{slug}.example")


@pytest.fixture
def framework_version(db):
    return load_framework(data=valid_bytes()).framework_version


@pytest.fixture
def org():
    def get(slug: str) -> Organisation:
        return Organisation.objects.get(slug=slug)

    return get


@pytest.fixture
def lead(db):
    return login("auditlead", PARTNERSHIP)


@pytest.fixture
def audit(db, framework_version, lead, org):
    """An open audit with two participants: northshire-police and northshire-health."""
    audit = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=framework_version,
        title=TEST_AUDIT,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        due_date=dt.date(2026, 6, 30),
    )
    for slug in ("northshire-police", "northshire-health"):
        services_audits.invite_participant(user=lead, audit=audit, organisation=org(slug))
    return services_audits.open_audit(user=lead, audit=audit)


@pytest.fixture
def police(audit):
    return audit.participants.get(organisation__slug="northshire-police")


@pytest.fixture
def health(audit):
    return audit.participants.get(organisation__slug="northshire-health")


def submit(participant, rating: int = 2):
    """Answer every assessable item, mark the return ready and sign it off."""
    contributor = login("contributor", participant.organisation.slug)
    for item in participant.audit.framework_version.items.filter(assessable=True):
        existing = participant.responses.filter(item=item).first()
        services_audits.save_response(
            user=contributor,
            participant=participant,
            item=item,
            expected_version=existing.version if existing else 0,
            rating_value=rating,
            not_applicable=False,
            not_applicable_reason="",
            narrative="",
            sufficiency="",
        )
    services_audits.mark_ready_for_sign_off(user=contributor, participant=participant)
    services_audits.sign_off_return(
        user=login("seniorlead", participant.organisation.slug), participant=participant
    )
    participant.refresh_from_db()
    return participant


@pytest.fixture
def submitted_police(police):
    return submit(police)
