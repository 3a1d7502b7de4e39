"""Demo step: the built-in frameworks, and the partnership's Section 11 audits.

The Northshire Safeguarding Partnership leads two cycles on the built-in Section 11
self-assessment: last year's, closed, with all four returns submitted; and this year's, open and
carried forward from it, with its four participants at different stages (northshire submitted,
police ready for sign-off, health in progress, schools invited).

Last year's cycle has moderated ratings and three actions: one verified, and two still open when
it closed, which are carried forward into this year's (and, still due last year, are overdue).
This year's has a challenge event, moderated ratings on the submitted return, and actions: one
overdue, one in progress, one verified. Everything goes through the services, as the demo logins
would. Idempotent: an audit that exists is left alone, and this year's moderation and actions
are added only if it has no challenge event yet.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

from . import services_audits as services
from . import services_moderation as moderation
from .models import Audit, AuditStatus, ChallengeEvent, Framework
from .selectors import current_version
from .services import load_builtin_frameworks

LEAD = "northshire-safeguarding-partnership"
FRAMEWORK = "section-11-self-assessment"
PARTICIPANTS = ["northshire", "northshire-police", "northshire-health", "northshire-schools"]

NARRATIVES = {
    1: "Arrangements are being planned but are not yet in place across the service.",
    2: "Arrangements are in place in some teams; we are extending them across the service.",
    3: "Arrangements are in place across the service and are checked through regular audit.",
    4: "Arrangements are embedded, reviewed each year and improved from what we learn.",
}
SUFFICIENCY = (
    "Quarterly case file audits, supervision records and the annual staff survey tell us how "
    "well this works; the partnership's multi-agency audit checks it independently."
)


def _login(role: str, slug: str) -> User:
    return User.objects.get(email=f"{role}@{slug}.example")


def _rating(agency: int, item: int, *, last_year: bool) -> int:
    """A spread of ratings that differs between agencies and moves between the two cycles."""
    value = 1 + (agency * 2 + item * 3) % 4
    if last_year:
        value = max(1, value - (item + agency) % 2)
    return value


def _answer(participant, *, slug: str, agency: int, last_year: bool, count: int | None = None):
    contributor = _login("contributor", slug)
    items = list(participant.audit.framework_version.items.filter(assessable=True))
    for position, item in enumerate(items[:count] if count is not None else items):
        existing = participant.responses.filter(item=item).first()
        value = _rating(agency, position, last_year=last_year)
        services.save_response(
            user=contributor,
            participant=participant,
            item=item,
            expected_version=existing.version if existing else 0,
            rating_value=value,
            not_applicable=False,
            not_applicable_reason="",
            narrative=NARRATIVES[value],
            sufficiency=SUFFICIENCY,
        )
        if position == 0 and last_year:
            services.add_link_evidence(
                user=contributor,
                participant=participant,
                item=item,
                url=f"https://www.example.org/{slug}/safeguarding-annual-report",
                title="Safeguarding annual report (fictional)",
            )


def _submit(participant, *, slug: str) -> None:
    services.mark_ready_for_sign_off(user=_login("contributor", slug), participant=participant)
    services.sign_off_return(user=_login("seniorlead", slug), participant=participant)


def _moderate(participant, moderations: list[tuple[int, int, str]]) -> None:
    """(item position, moderated value, rationale) for items of a submitted return."""
    lead = _login("auditlead", LEAD)
    items = list(participant.audit.framework_version.items.filter(assessable=True))
    for position, value, rationale in moderations:
        moderation.moderate_item(
            user=lead,
            participant=participant,
            item=items[position],
            expected_version=0,
            rating_value=value,
            not_applicable=False,
            not_applicable_reason="",
            rationale=rationale,
        )


def _action(audit, *, positions, owners, owner_name, description, due):
    items = list(audit.framework_version.items.filter(assessable=True))
    return moderation.create_action(
        user=_login("auditlead", LEAD),
        audit=audit,
        items=[items[p] for p in positions],
        owners=list(Organisation.objects.filter(slug__in=owners)),
        owner_name=owner_name,
        description=description,
        due_date=due,
    )


def _previous_cycle_moderation_and_actions(previous, last_year: dt.date) -> None:
    northshire = previous.participants.get(organisation__slug="northshire")
    _moderate(
        northshire,
        [(1, 2, "Demo: the panel found the policy in place but not yet audited.")],
    )
    lead = _login("auditlead", LEAD)
    verified = _action(
        previous,
        positions=[0],
        owners=["northshire"],
        owner_name="Head of Safeguarding, Northshire Council (demo)",
        description="Demo: publish the council's safeguarding annual report on the intranet.",
        due=last_year + dt.timedelta(days=150),
    )
    moderation.mark_action_done(
        user=_login("contributor", "northshire"),
        action=verified,
        completion_evidence="Demo: https://www.example.org/northshire/safeguarding-annual-report",
    )
    moderation.verify_action(user=lead, action=verified, note="Demo: seen on the intranet.")
    _action(
        previous,
        positions=[2],
        owners=["northshire-police", "northshire-health"],
        owner_name="Partnership training lead (demo)",
        description="Demo: run joint training on escalation for police and health staff.",
        due=last_year + dt.timedelta(days=270),
    )
    started = _action(
        previous,
        positions=[3],
        owners=["northshire-schools"],
        owner_name="Designated safeguarding lead network chair (demo)",
        description="Demo: agree a common supervision template for designated leads.",
        due=last_year + dt.timedelta(days=300),
    )
    moderation.add_progress_note(
        user=_login("contributor", "northshire-schools"),
        action=started,
        note="Demo: a draft template is with the network for comment.",
    )


def _current_cycle_moderation_and_actions(current, this_year: dt.date) -> None:
    """A challenge event, moderated ratings on the submitted return, and three actions."""
    lead = _login("auditlead", LEAD)
    today = timezone.localdate()
    returns = {p.organisation.slug: p for p in current.participants.select_related("organisation")}
    submitted = returns["northshire"]
    items = list(current.framework_version.items.filter(assessable=True))
    moderation.record_challenge_event(
        user=lead,
        audit=current,
        date=max(this_year, today - dt.timedelta(days=7)),
        participants=[submitted, returns["northshire-police"]],
        attendees="Demo: partnership business manager, designated leads for the council and "
        "the police.",
        notes="Demo: the council's ratings on leadership were challenged against the annual "
        "report; the panel agreed two changes. Escalation was discussed with the police.",
        items=items[:3],
    )
    _moderate(
        submitted,
        [
            (0, 2, "Demo: the evidence shows the arrangements in some teams only."),
            (2, 3, "Demo: case file audits show this is in place across the service."),
        ],
    )
    overdue = _action(
        current,
        positions=[0],
        owners=["northshire"],
        owner_name="Head of Safeguarding, Northshire Council (demo)",
        description="Demo: extend leadership walkabouts to every children's team.",
        due=max(this_year, today - dt.timedelta(days=21)),
    )
    moderation.add_progress_note(
        user=_login("contributor", "northshire"),
        action=overdue,
        note="Demo: walkabouts done in two of five teams; the rest are not yet booked.",
    )
    in_progress = _action(
        current,
        positions=[1, 2],
        owners=["northshire-police", "northshire"],
        owner_name="Detective Inspector, safeguarding unit (demo)",
        description="Demo: agree a joint escalation protocol between the police and the "
        "council's front door.",
        due=today + dt.timedelta(days=90),
    )
    moderation.add_progress_note(
        user=_login("contributor", "northshire-police"),
        action=in_progress,
        note="Demo: first draft shared with the council for comment.",
    )
    verified = _action(
        current,
        positions=[3],
        owners=["northshire"],
        owner_name="Workforce development manager (demo)",
        description="Demo: add safeguarding supervision to the induction checklist.",
        due=today + dt.timedelta(days=30),
    )
    moderation.mark_action_done(
        user=_login("contributor", "northshire"),
        action=verified,
        completion_evidence="Demo: induction checklist version 4, section 2.",
    )
    moderation.verify_action(user=lead, action=verified, note="Demo: checked the checklist.")


def _periods(today: dt.date) -> tuple[dt.date, dt.date]:
    """The start of this financial year (1 April) and of last year's."""
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, start.replace(year=start.year - 1)


@transaction.atomic
def _load_audits(log: Callable[[str], None]) -> None:
    lead_org = Organisation.objects.filter(slug=LEAD).first()
    framework = Framework.objects.filter(ref=FRAMEWORK).first()
    if lead_org is None or framework is None:
        return
    version = current_version(framework)
    lead = _login("auditlead", LEAD)
    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=PARTICIPANTS)}
    this_year, last_year = _periods(timezone.localdate())
    previous_title = f"Section 11 self-assessment {last_year.year}–{str(last_year.year + 1)[2:]}"
    current_title = f"Section 11 self-assessment {this_year.year}–{str(this_year.year + 1)[2:]}"

    previous = Audit.objects.filter(lead_organisation=lead_org, title=previous_title).first()
    if previous is None:
        previous = services.create_audit(
            user=lead,
            lead_organisation=lead_org,
            framework_version=version,
            title=previous_title,
            period_start=last_year,
            period_end=this_year - dt.timedelta(days=1),
            due_date=last_year + dt.timedelta(days=90),
        )
        for slug in PARTICIPANTS:
            services.invite_participant(user=lead, audit=previous, organisation=organisations[slug])
        services.open_audit(user=lead, audit=previous)
        for agency, participant in enumerate(previous.participants.order_by("pk")):
            slug = participant.organisation.slug
            _answer(participant, slug=slug, agency=agency, last_year=True)
            _submit(participant, slug=slug)
        _previous_cycle_moderation_and_actions(previous, last_year)
        # Moderation, the report and closing arrive with their own services; until then the
        # finished cycle is simply marked closed.
        Audit.objects.filter(pk=previous.pk).update(status=AuditStatus.CLOSED)
        log(f"Created the closed demo audit “{previous_title}”")

    current = Audit.objects.filter(lead_organisation=lead_org, title=current_title).first()
    if current is not None:
        if not ChallengeEvent.objects.filter(audit=current).exists():
            _current_cycle_moderation_and_actions(current, this_year)
            log(f"Added challenge, moderation and actions to “{current_title}”")
        return
    current = services.create_audit(
        user=lead,
        lead_organisation=lead_org,
        framework_version=version,
        title=current_title,
        period_start=this_year,
        period_end=this_year.replace(year=this_year.year + 1) - dt.timedelta(days=1),
        due_date=max(timezone.localdate() + dt.timedelta(days=42), this_year),
        previous=previous,
    )
    for slug in PARTICIPANTS:
        if not current.participants.filter(organisation__slug=slug).exists():
            services.invite_participant(user=lead, audit=current, organisation=organisations[slug])
    services.open_audit(user=lead, audit=current)
    returns = {p.organisation.slug: p for p in current.participants.select_related("organisation")}
    # northshire: submitted; police: ready for sign-off; health: in progress; schools: invited.
    _answer(returns["northshire"], slug="northshire", agency=0, last_year=False)
    _submit(returns["northshire"], slug="northshire")
    _answer(returns["northshire-police"], slug="northshire-police", agency=1, last_year=False)
    services.mark_ready_for_sign_off(
        user=_login("contributor", "northshire-police"), participant=returns["northshire-police"]
    )
    _answer(
        returns["northshire-health"], slug="northshire-health", agency=2, last_year=False, count=4
    )
    _current_cycle_moderation_and_actions(current, this_year)
    log(f"Created the open demo audit “{current_title}” with four participants")


def load(log: Callable[[str], None]) -> None:
    for result in load_builtin_frameworks():
        log(result.message)
    _load_audits(log)
