"""Reads for audit cycles and returns, scoped to the user. Every view reads through these.

Who sees what:
- an audit lead (role `auditlead`) of an audit's lead organisation sees the audit, in any
  status, and every participant's return in it;
- a contributor or senior lead of a participant organisation sees the audit once it is open
  (never a draft), and their own organisation's return; never another participant's;
- nobody else sees anything: the querysets here are empty for them, and views answer 404.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from carebook.accounts.models import Membership, Role, User
from carebook.organisations.models import Organisation

from .models import (
    Audit,
    AuditStatus,
    Evidence,
    FrameworkVersion,
    Item,
    Participant,
    ParticipantStatus,
    Response,
    Section,
)
from .selectors import current_version

RETURN_ROLES = (Role.AUDIT_CONTRIBUTOR, Role.SENIOR_LEAD)


def _organisation_ids(user: User | AnonymousUser, roles: tuple[str, ...]) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=roles).values("organisation_id")


def lead_organisations_for(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations in which the user may run audits."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=_organisation_ids(user, (Role.AUDIT_LEAD,)))


def audits_led_by(*, user: User | AnonymousUser) -> QuerySet[Audit]:
    if not user.is_authenticated:
        return Audit.objects.none()
    return Audit.objects.filter(
        lead_organisation_id__in=_organisation_ids(user, (Role.AUDIT_LEAD,))
    )


def audits_visible_to(*, user: User | AnonymousUser) -> QuerySet[Audit]:
    """Audits the user leads, and audits (not drafts) in which their organisation takes part."""
    if not user.is_authenticated:
        return Audit.objects.none()
    as_lead = Q(lead_organisation_id__in=_organisation_ids(user, (Role.AUDIT_LEAD,)))
    as_participant = ~Q(status=AuditStatus.DRAFT) & Q(
        participants__organisation_id__in=_organisation_ids(user, RETURN_ROLES)
    )
    return (
        Audit.objects.filter(pk__in=Audit.objects.filter(as_lead | as_participant).values("pk"))
        .select_related("lead_organisation", "framework_version__framework")
        .order_by("-period_start", "-pk")
    )


def participants_visible_to(*, user: User | AnonymousUser) -> QuerySet[Participant]:
    """Returns the user may read: all in audits they lead, and their own organisations'."""
    if not user.is_authenticated:
        return Participant.objects.none()
    as_lead = Q(audit__lead_organisation_id__in=_organisation_ids(user, (Role.AUDIT_LEAD,)))
    as_participant = ~Q(audit__status=AuditStatus.DRAFT) & Q(
        organisation_id__in=_organisation_ids(user, RETURN_ROLES)
    )
    return Participant.objects.filter(as_lead | as_participant).select_related(
        "audit__lead_organisation", "audit__framework_version__framework", "organisation"
    )


def evidence_visible_to(*, user: User | AnonymousUser) -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        response__participant__in=participants_visible_to(user=user)
    ).select_related("response__participant__audit", "response__item")


@dataclass(frozen=True)
class AuditAccess:
    """What the user may do in one audit they can see."""

    is_lead: bool
    # Participants (of this audit) whose returns the user works on, with their roles there.
    return_roles: dict[int, frozenset[str]]

    def roles_for(self, participant: Participant) -> frozenset[str]:
        return self.return_roles.get(participant.pk, frozenset())


def audit_access(*, user: User | AnonymousUser, audit: Audit) -> AuditAccess:
    if not user.is_authenticated:
        return AuditAccess(is_lead=False, return_roles={})
    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    is_lead = (audit.lead_organisation_id, Role.AUDIT_LEAD) in memberships
    roles_by_org: dict[int, set[str]] = {}
    for organisation_id, role in memberships:
        if role in RETURN_ROLES:
            roles_by_org.setdefault(organisation_id, set()).add(role)
    return_roles = {}
    if audit.status != AuditStatus.DRAFT:
        for participant_id, organisation_id in audit.participants.values_list(
            "pk", "organisation_id"
        ):
            if organisation_id in roles_by_org:
                return_roles[participant_id] = frozenset(roles_by_org[organisation_id])
    return AuditAccess(is_lead=is_lead, return_roles=return_roles)


@dataclass(frozen=True)
class ReturnAccess:
    """What the user may do with one return."""

    is_lead: bool
    roles: frozenset[str]

    @property
    def is_participant(self) -> bool:
        return bool(self.roles)


def return_access(*, user: User | AnonymousUser, participant: Participant) -> ReturnAccess:
    access = audit_access(user=user, audit=participant.audit)
    return ReturnAccess(is_lead=access.is_lead, roles=access.roles_for(participant))


def accepts_returns(participant: Participant) -> bool:
    """While the audit is open; in moderation, only a return the lead returned for changes."""
    status = participant.audit.status
    return status == AuditStatus.OPEN or (
        status == AuditStatus.MODERATION and participant.returned_at is not None
    )


def can_edit_return(*, access: ReturnAccess, participant: Participant) -> bool:
    return (
        access.is_participant
        and accepts_returns(participant)
        and participant.status in (ParticipantStatus.INVITED, ParticipantStatus.IN_PROGRESS)
    )


def can_mark_ready(*, access: ReturnAccess, participant: Participant) -> bool:
    return can_edit_return(access=access, participant=participant)


def can_sign_off(*, access: ReturnAccess, participant: Participant) -> bool:
    return (
        Role.SENIOR_LEAD in access.roles
        and accepts_returns(participant)
        and participant.status == ParticipantStatus.READY_FOR_SIGN_OFF
    )


def framework_versions_for_new_audits() -> list[FrameworkVersion]:
    """The most recently loaded version of each framework: the ones offered for new audits."""
    from .models import Framework

    versions = []
    for framework in Framework.objects.order_by("name", "ref"):
        version = current_version(framework)
        if version is not None:
            versions.append(version)
    return versions


def organisations_to_invite(*, audit: Audit) -> QuerySet[Organisation]:
    """Any organisation not yet taking part (one can take part in several partnerships')."""
    return Organisation.objects.exclude(pk__in=audit.participants.values("organisation_id"))


# Task list ------------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"


@dataclass
class ItemState:
    item: Item
    response: Response | None

    @property
    def status(self) -> str:
        if not self.item.assessable:
            return "For information"
        if self.response is None:
            return NOT_STARTED
        if self.response.is_answered:
            return COMPLETED
        if self.response.carried_forward:
            return "Carried forward — confirm or update"
        return IN_PROGRESS


@dataclass
class SectionState:
    section: Section
    items: list[ItemState]

    @property
    def assessable(self) -> list[ItemState]:
        return [state for state in self.items if state.item.assessable]

    @property
    def status(self) -> str:
        assessable = self.assessable
        if assessable and all(state.status == COMPLETED for state in assessable):
            return COMPLETED
        touched = [
            state
            for state in assessable
            if state.response is not None and not state.response.carried_forward
        ]
        return IN_PROGRESS if touched else NOT_STARTED

    @property
    def carried_forward(self) -> int:
        return sum(
            1
            for state in self.assessable
            if state.response is not None and state.response.carried_forward
        )


def return_sections(*, participant: Participant) -> list[SectionState]:
    """The return's sections, each with its items and their responses, in three queries."""
    responses = {
        response.item_id: response
        for response in Response.objects.filter(participant=participant).select_related("rating")
    }
    sections = Section.objects.filter(
        framework_version_id=participant.audit.framework_version_id
    ).prefetch_related(Prefetch("items", queryset=Item.objects.order_by("position")))
    return [
        SectionState(
            section=section,
            items=[ItemState(item, responses.get(item.pk)) for item in section.items.all()],
        )
        for section in sections.order_by("position")
    ]


def is_return_complete(*, participant: Participant) -> bool:
    return all(
        state.status == COMPLETED
        for section in return_sections(participant=participant)
        for state in section.assessable
    )


def item_in_audit(*, participant: Participant, item_id: int) -> Item | None:
    return (
        Item.objects.filter(pk=item_id, framework_version_id=participant.audit.framework_version_id)
        .select_related("section")
        .prefetch_related("level_descriptors__level")
        .first()
    )


def section_in_audit(*, participant: Participant, section_id: int) -> Section | None:
    return Section.objects.filter(
        pk=section_id, framework_version_id=participant.audit.framework_version_id
    ).first()


# Procedures as evidence -----------------------------------------------------------------------

SEARCH_LIMIT = 20


def procedure_search(*, user: User | AnonymousUser, query: str) -> list:
    """Procedures matching `query` in any manual the user may read, best first in each
    organisation and taken from the organisations in turn (each organisation has its own
    index, and the engines' scores do not compare across them)."""
    from wagtail.models import Page

    from carebook.manuals.selectors import readable_manuals
    from carebook.organisations.models import OrganisationHomePage
    from carebook.search.selectors import search

    manuals = list(readable_manuals(user=user))
    if not manuals or not query.strip():
        return []
    homes = dict(OrganisationHomePage.objects.values_list("path", "organisation_id"))
    names = dict(Organisation.objects.values_list("pk", "name"))
    by_organisation: dict[int, list] = {}
    for manual in manuals:
        organisation_id = homes.get(manual.path[: -Page.steplen])
        if organisation_id is not None:
            by_organisation.setdefault(organisation_id, []).append(manual)
    titles = {manual.pk: manual.title for manual in manuals}
    rankings = []
    for organisation_id, its_manuals in sorted(by_organisation.items()):
        results = search(
            query=query,
            organisation_id=organisation_id,
            manual_ids=[manual.pk for manual in its_manuals],
            per_page=SEARCH_LIMIT,
        )
        rankings.append(
            [
                {
                    "hit": hit,
                    "manual_title": titles.get(hit.manual_id, ""),
                    "organisation_name": names.get(organisation_id, ""),
                }
                for hit in results.hits
            ]
        )
    merged = []
    for position in range(SEARCH_LIMIT):
        for ranking in rankings:
            if position < len(ranking):
                merged.append(ranking[position])
    return merged[:SEARCH_LIMIT]
