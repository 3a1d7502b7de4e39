"""A procedure linked as evidence shows on the procedure's page, to the right people only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carebook.audits.models import Evidence, EvidenceKind
from carebook.audits.selectors_reports import procedure_evidence_for
from carebook.manuals.models import Manual, Procedure

from .conftest import PARTNERSHIP, login
from .reporting import answer, publish
from .test_views_permissions import person

pytestmark = pytest.mark.django_db

LINE = "Evidence for recommendation 1.1 in audit Test audit 2026"

# (role, slug, sees before publication, sees after)
WHO = [
    ("auditlead", PARTNERSHIP, True, True),
    ("contributor", "northshire-police", True, True),
    ("seniorlead", "northshire-police", True, True),
    ("contributor", "northshire-health", False, True),
    ("leader", "northshire-police", False, True),
    ("leader", PARTNERSHIP, False, True),
    ("reader", PARTNERSHIP, False, False),
    ("editor", "northshire", False, False),
    ("auditlead", "northshire", False, False),
    ("contributor", "northshire-schools", False, False),
    ("superuser", None, False, False),
]


@pytest.fixture
def linked(audit, police, health):
    manual = Manual.objects.live().public().order_by("path").first()
    procedure = Procedure.objects.live().descendant_of(manual).order_by("path").first()
    response = answer(police, "1.1", 3)
    answer(health, "1.1", 2)
    Evidence.objects.create(
        response=response,
        kind=EvidenceKind.PROCEDURE,
        title=procedure.title,
        procedure=procedure,
        url=procedure.url,
    )
    return procedure


@pytest.mark.parametrize(("role", "slug", "before", "after"), WHO)
def test_who_sees_the_evidence_link(client, audit, linked, role, slug, before, after):
    client.force_login(person(role, slug))
    page = client.get(linked.url)
    assert page.status_code == 200
    assert (LINE in page.content.decode()) is before
    publish(audit)
    page = client.get(linked.url).content.decode()
    assert (LINE in page) is after
    if after:
        assert f'href="/audits/{audit.pk}/report/"' in page
        assert "Linked by Northshire Police" in page


def test_anonymous_readers_see_nothing_and_cost_no_query(audit, linked, client):
    publish(audit)
    assert LINE not in client.get(linked.url).content.decode()
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as queries:
        assert procedure_evidence_for(user=AnonymousUser(), procedure_id=linked.pk) == []
    assert len(queries) == 0


def test_the_links_cost_one_query(audit, linked):
    lead = login("auditlead", PARTNERSHIP)
    with CaptureQueriesContext(connection) as queries:
        links = procedure_evidence_for(user=lead, procedure_id=linked.pk)
    assert len(queries) == 1
    assert [(link["item_ref"], link["organisation"]) for link in links] == [
        ("1.1", "Northshire Police")
    ]


def test_before_publication_the_link_goes_to_the_audit(client, audit, linked):
    client.force_login(login("contributor", "northshire-police"))
    page = client.get(linked.url).content.decode()
    assert f'href="/audits/{audit.pk}/"' in page


def test_the_cached_page_never_carries_one_readers_links_to_another(audit, linked, client):
    """The procedure's main part is cached for everyone; the links are added per request."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(person("auditlead", PARTNERSHIP))
    assert LINE in client.get(linked.url).content.decode()
    client.logout()
    html = client.get(linked.url).content.decode()
    assert LINE not in html and "carebook:audit-evidence" not in html
    client.force_login(person("contributor", "northshire-schools"))
    assert LINE not in client.get(linked.url).content.decode()
