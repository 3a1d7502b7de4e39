"""Demo step: the built-in frameworks, and the partnership's Section 11 audits.

The Northshire Safeguarding Partnership leads two cycles on the built-in Section 11
self-assessment: last year's, closed, with all four returns submitted; and this year's, open and
carried forward from it, with its four participants at different stages (northshire submitted,
police ready for sign-off, health in progress, schools invited). Everything goes through the
services, as the demo logins would. Idempotent: an audit that exists is left alone.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

from . import services_audits as services
from .models import Audit, AuditStatus, Framework, Participant
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


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _date_closed_audit(audit: Audit) -> None:
    """Give last year's cycle the dates it would have had: opened a week into the period,
    each return answered, marked ready and submitted before the due date. Setting fixed dates
    (not "now") keeps this idempotent and corrects a demo loaded before it existed."""
    opened = audit.period_start + dt.timedelta(days=7)
    Audit.objects.filter(pk=audit.pk).update(opened_at=_at(opened, 9))
    for index, participant in enumerate(audit.participants.order_by("pk")):
        submitted = audit.due_date - dt.timedelta(days=10 - 3 * index)
        ready = submitted - dt.timedelta(days=2)
        Participant.objects.filter(pk=participant.pk).update(
            invited_at=_at(opened - dt.timedelta(days=1), 10),
            ready_at=_at(ready, 11),
            submitted_at=_at(submitted, 15),
        )
        participant.responses.update(updated_at=_at(ready - dt.timedelta(days=3), 14))


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
        # Moderation, the report and closing arrive with their own services; until then the
        # finished cycle is simply marked closed.
        Audit.objects.filter(pk=previous.pk).update(status=AuditStatus.CLOSED)
        log(f"Created the closed demo audit “{previous_title}”")
    _date_closed_audit(previous)

    if Audit.objects.filter(lead_organisation=lead_org, title=current_title).exists():
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
    log(f"Created the open demo audit “{current_title}” with four participants")


def load(log: Callable[[str], None]) -> None:
    for result in load_builtin_frameworks():
        log(result.message)
    _load_audits(log)
