"""Who sees what, for every page and form post under /audits/, by role.

The rule: what a user may not know exists answers 404 (audits they neither lead nor take part
in, drafts for participants, other participants' returns and evidence, guessed ids); what they
can see but may not do answers 403 (a contributor inviting, an audit lead editing a return).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.accounts.models import User
from carebook.audits import services_audits as services
from carebook.audits.models import Audit, AuditStatus, Evidence

from .conftest import PARTNERSHIP, login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"

# Every kind of person, sorted by what they are to the test audit.
PEOPLE = {
    "lead": [("auditlead", PARTNERSHIP)],
    "police": [("contributor", "northshire-police"), ("seniorlead", "northshire-police")],
    "health": [("contributor", "northshire-health"), ("seniorlead", "northshire-health")],
    "outsider": [
        ("leader", PARTNERSHIP),
        ("orgadmin", PARTNERSHIP),
        ("reader", PARTNERSHIP),
        ("auditlead", "northshire"),
        ("contributor", "northshire-schools"),
        ("seniorlead", "northshire-schools"),
        ("leader", "northshire-police"),
        ("orgadmin", "northshire-police"),
        ("editor", "northshire"),
        ("superuser", None),
    ],
}
EVERYONE = [(group, role, slug) for group, people in PEOPLE.items() for role, slug in people]


def person(role, slug) -> User:
    if role == "superuser":
        return User.objects.get(email="admin@carebook.example")
    return login(role, slug)


@pytest.fixture
def world(audit, police, health, lead, org, settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path)
    version = audit.framework_version
    item = version.items.filter(assessable=True).first()
    files = {}
    for participant in (police, health):
        slug = participant.organisation.slug
        files[slug] = services.add_file_evidence(
            user=login("contributor", slug),
            participant=participant,
            item=item,
            upload=SimpleUploadedFile("minutes.pdf", PDF),
        )
    draft = services.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=version,
        title="Draft audit",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        due_date=dt.date(2026, 6, 30),
    )
    services.invite_participant(user=lead, audit=draft, organisation=org("northshire-police"))
    base = f"/audits/{audit.pk}/returns/{police.pk}/"
    return {
        "audit": audit,
        "draft": draft,
        "police": police,
        "health": health,
        "item": item,
        "section": item.section,
        "police_file": files["northshire-police"],
        "health_file": files["northshire-health"],
        "base": base,
    }


def expected(group: str, allowed: set[str], *, known_to: set[str] = frozenset(), ok=200) -> int:
    if group in allowed:
        return ok
    if group in known_to:
        return 403
    return 404


PAGES = {
    "audit page": (lambda w: f"/audits/{w['audit'].pk}/", {"lead", "police", "health"}),
    "draft audit page": (lambda w: f"/audits/{w['draft'].pk}/", {"lead"}),
    "task list": (lambda w: w["base"], {"lead", "police"}),
    "section": (lambda w: f"{w['base']}sections/{w['section'].pk}/", {"lead", "police"}),
    "item": (lambda w: f"{w['base']}items/{w['item'].pk}/", {"lead", "police"}),
    "evidence page": (lambda w: f"{w['base']}items/{w['item'].pk}/evidence/", {"lead", "police"}),
    "file download": (lambda w: f"/audits/evidence/{w['police_file'].pk}/", {"lead", "police"}),
    "draft return": (
        lambda w: f"/audits/{w['draft'].pk}/returns/{w['draft'].participants.get().pk}/",
        {"lead"},
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_pages(client, world, page, group, role, slug):
    url, allowed = PAGES[page]
    client.force_login(person(role, slug))
    response = client.get(url(world))
    assert response.status_code == expected(group, allowed), (page, role, slug)


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_people_are_asked_to_sign_in(client, world, page):
    response = client.get(PAGES[page][0](world))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_audits_home_lists_only_the_users_own_audits(client, world, group, role, slug):
    client.force_login(person(role, slug))
    page = client.get("/audits/").content.decode()
    assert ("Test audit 2026" in page) == (group in {"lead", "police", "health"})
    assert ("Draft audit" in page) == (group == "lead")


@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_start_an_audit_page_is_for_audit_leads(client, world, group, role, slug):
    client.force_login(person(role, slug))
    response = client.get("/audits/new/")
    is_a_lead = role == "auditlead"
    assert response.status_code == (200 if is_a_lead else 403)


POSTS = {
    "invite": (
        lambda w: (f"/audits/{w['audit'].pk}/invite/", {"organisation": ""}),
        {"lead"},
        {"police", "health"},
    ),
    "open draft": (lambda w: (f"/audits/{w['draft'].pk}/open/", {}), {"lead"}, set()),
    "save answer": (
        lambda w: (
            f"{w['base']}items/{w['item'].pk}/",
            {"rating": "3", "narrative": "Posted", "version": "0"},
        ),
        {"police"},
        {"lead"},
    ),
    "add web address": (
        lambda w: (
            f"{w['base']}items/{w['item'].pk}/evidence/",
            {"action": "link", "link-url": "https://example.org/x", "link-title": "X"},
        ),
        {"police"},
        {"lead"},
    ),
    "remove file": (
        lambda w: (
            f"{w['base']}items/{w['item'].pk}/evidence/",
            {"action": "remove", "evidence": w["police_file"].pk},
        ),
        {"police"},
        {"lead"},
    ),
    "mark ready": (lambda w: (f"{w['base']}ready/", {}), {"police"}, {"lead"}),
}


@pytest.mark.parametrize("post", POSTS)
@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_form_posts(client, world, post, group, role, slug):
    make, allowed, known_to = POSTS[post]
    url, data = make(world)
    client.force_login(person(role, slug))
    response = client.post(url, data)
    if group in allowed:
        assert response.status_code in (200, 302), (post, role)
    else:
        assert response.status_code == expected(group, allowed, known_to=known_to), (post, role)
    if post == "save answer" and group not in allowed:
        assert not world["police"].responses.filter(narrative="Posted").exists()
    if post == "remove file" and group not in allowed:
        assert Evidence.objects.filter(pk=world["police_file"].pk).exists()
    if post == "open draft":
        is_open = Audit.objects.get(pk=world["draft"].pk).status == AuditStatus.OPEN
        assert is_open == (group == "lead")


@pytest.mark.parametrize("role", ["contributor", "seniorlead"])
def test_sign_off_is_for_the_participants_senior_lead(client, world, role):
    police = world["police"]
    for item in police.audit.framework_version.items.filter(assessable=True):
        services.save_response(
            user=login("contributor", "northshire-police"),
            participant=police,
            item=item,
            expected_version=police.responses.filter(item=item)
            .values_list("version", flat=True)
            .first()
            or 0,
            rating_value=2,
            not_applicable=False,
            not_applicable_reason="",
            narrative="",
            sufficiency="",
        )
    services.mark_ready_for_sign_off(
        user=login("contributor", "northshire-police"), participant=police
    )
    for user, status in (
        (login("auditlead", PARTNERSHIP), 403),
        (login("seniorlead", "northshire-health"), 404),
    ):
        client.force_login(user)
        assert client.post(f"{world['base']}sign-off/").status_code == status
    client.force_login(login(role, "northshire-police"))
    response = client.post(f"{world['base']}sign-off/")
    police.refresh_from_db()
    if role == "seniorlead":
        assert response.status_code == 302 and police.status == "submitted"
    else:
        assert response.status_code == 403 and police.status == "ready_for_sign_off"


def test_guessed_ids_are_not_found(client, world, framework_version):
    from carebook.audits.models import Item, Section

    client.force_login(login("contributor", "northshire-police"))
    audit, police, health = world["audit"], world["police"], world["health"]
    other_item = Item.objects.exclude(framework_version=audit.framework_version).first()
    other_section = Section.objects.exclude(framework_version=audit.framework_version).first()
    urls = [
        f"/audits/{audit.pk}/returns/{health.pk}/",
        f"/audits/{world['draft'].pk}/returns/{police.pk}/",  # right return, wrong audit
        f"{world['base']}items/{other_item.pk}/",
        f"{world['base']}sections/{other_section.pk}/",
        f"{world['base']}items/999999/",
        f"/audits/evidence/{world['health_file'].pk}/",
        "/audits/999999/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Removing another participant's evidence through one's own page.
    response = client.post(
        f"{world['base']}items/{world['item'].pk}/evidence/",
        {"action": "remove", "evidence": world["health_file"].pk},
    )
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=world["health_file"].pk).exists()
    # Saving into another participant's return by posting to its address.
    response = client.post(
        f"/audits/{audit.pk}/returns/{health.pk}/items/{world['item'].pk}/",
        {"rating": "3", "version": "0"},
    )
    assert response.status_code == 404


def test_a_participant_never_sees_another_participants_name_on_the_audit_page(client, world):
    client.force_login(login("contributor", "northshire-police"))
    page = client.get(f"/audits/{world['audit'].pk}/").content.decode()
    assert "Northshire Police" in page and "Northshire Health" not in page


# Challenge, moderation and actions ---------------------------------------------------------


@pytest.fixture
def mworld(world, lead, org):
    """The world, with health's return submitted and moderated, a challenge event, and an
    action owned by each of police and health."""
    from carebook.audits import services_moderation as moderation

    from .conftest import submit

    health = submit(world["health"])
    item = world["item"]
    moderation.moderate_item(
        user=lead,
        participant=health,
        item=item,
        expected_version=0,
        rating_value=1,
        not_applicable=False,
        not_applicable_reason="",
        rationale="Moderation rationale for health.",
    )
    moderation.record_challenge_event(
        user=lead,
        audit=world["audit"],
        date=dt.date(2026, 7, 1),
        participants=[health],
        notes="Challenge notes.",
    )
    actions = {}
    for slug in ("northshire-police", "northshire-health"):
        actions[slug] = moderation.create_action(
            user=lead,
            audit=world["audit"],
            items=[item],
            owners=[org(slug)],
            owner_name="Owner (demo)",
            description=f"Action for {slug}",
            due_date=dt.date(2026, 9, 30),
        )
    a = world["audit"].pk
    return {
        **world,
        "health": health,
        "police_action": actions["northshire-police"],
        "health_action": actions["northshire-health"],
        "health_base": f"/audits/{a}/returns/{health.pk}/",
    }


MODERATION_PAGES = {
    "challenge events": (lambda w: f"/audits/{w['audit'].pk}/challenge/", {"lead"}, set()),
    "record challenge": (
        lambda w: f"/audits/{w['audit'].pk}/challenge/new/",
        {"lead"},
        {"police", "health"},
    ),
    "moderate own item": (
        lambda w: f"{w['base']}items/{w['item'].pk}/moderate/",
        {"lead"},
        {"police"},
    ),
    "moderate health item": (
        lambda w: f"{w['health_base']}items/{w['item'].pk}/moderate/",
        {"lead"},
        {"health"},
    ),
    "return for changes": (
        lambda w: f"{w['health_base']}return-for-changes/",
        {"lead"},
        {"health"},
    ),
    "action plan": (
        lambda w: f"/audits/{w['audit'].pk}/actions/",
        {"lead", "police", "health"},
        set(),
    ),
    "add action": (
        lambda w: f"/audits/{w['audit'].pk}/actions/new/",
        {"lead"},
        {"police", "health"},
    ),
    "police action": (
        lambda w: f"/audits/{w['audit'].pk}/actions/{w['police_action'].pk}/",
        {"lead", "police"},
        set(),
    ),
    "health action": (
        lambda w: f"/audits/{w['audit'].pk}/actions/{w['health_action'].pk}/",
        {"lead", "health"},
        set(),
    ),
}


@pytest.mark.parametrize("page", MODERATION_PAGES)
@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_moderation_pages(client, mworld, page, group, role, slug):
    url, allowed, known_to = MODERATION_PAGES[page]
    client.force_login(person(role, slug))
    response = client.get(url(mworld))
    assert response.status_code == expected(group, allowed, known_to=known_to), (page, role)
    body = response.content.decode()
    if group != "lead":
        assert "Moderation rationale for health." not in body
        assert "Challenge notes." not in body


@pytest.mark.parametrize("page", MODERATION_PAGES)
def test_moderation_pages_ask_signed_out_people_to_sign_in(client, mworld, page):
    response = client.get(MODERATION_PAGES[page][0](mworld))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


MODERATION_POSTS = {
    "start moderation": (
        lambda w: (f"/audits/{w['audit'].pk}/moderation/start/", {}),
        {"lead"},
        {"police", "health"},
    ),
    "record challenge": (
        lambda w: (
            f"/audits/{w['audit'].pk}/challenge/new/",
            {"date": "2/7/2026", "attendees": "Posted", "notes": "Posted"},
        ),
        {"lead"},
        {"police", "health"},
    ),
    "moderate health item": (
        lambda w: (
            f"{w['health_base']}items/{w['item'].pk}/moderate/",
            {"rating": "4", "rationale": "Posted", "version": "1"},
        ),
        {"lead"},
        {"health"},
    ),
    "return health for changes": (
        lambda w: (f"{w['health_base']}return-for-changes/", {"message": "Posted"}),
        {"lead"},
        {"health"},
    ),
    "add action": (
        lambda w: (
            f"/audits/{w['audit'].pk}/actions/new/",
            {
                "items": [w["item"].pk],
                "owners": [w["police"].organisation_id],
                "owner_name": "X",
                "description": "Posted",
                "due_date": "30/9/2026",
            },
        ),
        {"lead"},
        {"police", "health"},
    ),
    "note on police action": (
        lambda w: (
            f"/audits/{w['audit'].pk}/actions/{w['police_action'].pk}/",
            {"action": "note", "note-note": "Posted"},
        ),
        {"lead", "police"},
        set(),
    ),
    "police action done": (
        lambda w: (
            f"/audits/{w['audit'].pk}/actions/{w['police_action'].pk}/",
            {"action": "done", "done-completion_evidence": "Posted"},
        ),
        {"lead", "police"},
        set(),
    ),
    "verify police action": (
        lambda w: (
            f"/audits/{w['audit'].pk}/actions/{w['police_action'].pk}/",
            {"action": "verify", "verify-note": "Posted"},
        ),
        {"lead"},
        {"police"},
    ),
    "reopen health action": (
        lambda w: (
            f"/audits/{w['audit'].pk}/actions/{w['health_action'].pk}/",
            {"action": "reopen", "reopen-note": "Posted"},
        ),
        {"lead"},
        {"health"},
    ),
}


@pytest.mark.parametrize("post", MODERATION_POSTS)
@pytest.mark.parametrize("group, role, slug", EVERYONE)
def test_moderation_form_posts(client, mworld, post, group, role, slug):
    from carebook.audits.models import Action, ActionUpdate, ChallengeEvent, ModeratedRating

    make, allowed, known_to = MODERATION_POSTS[post]
    url, data = make(mworld)
    client.force_login(person(role, slug))
    response = client.post(url, data)
    if group in allowed:
        assert response.status_code in (200, 302), (post, role)
        return
    assert response.status_code == expected(group, allowed, known_to=known_to), (post, role)
    audit = Audit.objects.get(pk=mworld["audit"].pk)
    health = mworld["health"]
    health.refresh_from_db()
    police_action = Action.objects.get(pk=mworld["police_action"].pk)
    assert audit.status == AuditStatus.OPEN
    assert not ChallengeEvent.objects.filter(notes="Posted").exists()
    assert (
        ModeratedRating.objects.get(participant=health).rationale
        == "Moderation rationale for health."
    )
    assert health.status == "submitted"
    assert not Action.objects.filter(description="Posted").exists()
    assert not ActionUpdate.objects.filter(note__contains="Posted").exists()
    assert police_action.status == "open"


def test_after_publication_participants_see_challenge_and_only_their_own_moderation(client, mworld):
    audit = mworld["audit"]
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.REPORT_PUBLISHED)
    item = mworld["item"]
    client.force_login(login("contributor", "northshire-health"))
    assert "Challenge notes." in client.get(f"/audits/{audit.pk}/challenge/").content.decode()
    own = client.get(f"{mworld['health_base']}items/{item.pk}/").content.decode()
    assert "Moderation rationale for health." in own
    # Still never another participant's return, nor the lead's moderation form.
    client.force_login(login("contributor", "northshire-police"))
    assert client.get(f"{mworld['health_base']}items/{item.pk}/").status_code == 404
    assert client.get(f"{mworld['health_base']}items/{item.pk}/moderate/").status_code == 404
    for role, slug in (("leader", PARTNERSHIP), ("contributor", "northshire-schools")):
        client.force_login(login(role, slug))
        assert client.get(f"/audits/{audit.pk}/challenge/").status_code == 404


def test_guessed_action_ids_are_not_found(client, mworld, lead, org):
    from carebook.audits import services_moderation as moderation

    other_audit = mworld["draft"]
    services.open_audit(user=lead, audit=other_audit)
    elsewhere = moderation.create_action(
        user=lead,
        audit=other_audit,
        items=[mworld["item"]],
        owners=[org("northshire-police")],
        owner_name="X",
        description="Elsewhere",
        due_date=dt.date(2026, 9, 30),
    )
    client.force_login(login("contributor", "northshire-police"))
    audit = mworld["audit"]
    for url in (
        f"/audits/{audit.pk}/actions/{elsewhere.pk}/",  # right action, wrong audit
        f"/audits/{audit.pk}/actions/999999/",
        f"/audits/{audit.pk}/actions/{mworld['health_action'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "note", "note-note": "Posted"}).status_code == 404
