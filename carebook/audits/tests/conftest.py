"""Fixtures for audit cycles: a small framework, the demo partnership and its people."""

import datetime as dt

import pytest

from carebook.accounts.models import User
from carebook.audits import services_audits
from carebook.audits.services import load_framework
from carebook.organisations.models import Organisation

from .helpers import valid_bytes

PARTNERSHIP = "northshire-safeguarding-partnership"


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
        title="Test audit 2026",
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
