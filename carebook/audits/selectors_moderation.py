"""Reads for challenge, moderation, scores and actions, scoped to the user.

Who sees what:
- an audit lead of the audit's lead organisation sees everything: challenge events, moderated
  ratings and every action;
- a participant's contributors and senior lead see moderated ratings and challenge events only
  once the report is published (`can_see_moderation`), and only the actions their organisation
  owns (from when the audit opens);
- nobody else sees anything.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

from .models import (
    Action,
    ActionStatus,
    Audit,
    AuditStatus,
    ChallengeEvent,
    Item,
    ModeratedRating,
    Participant,
    Response,
)
from .selectors_audits import RETURN_ROLES, _organisation_ids, audit_access

PUBLISHED = (AuditStatus.REPORT_PUBLISHED, AuditStatus.CLOSED)
# Audit statuses in which the lead moderates, records challenge and returns returns.
MODERATING = (AuditStatus.OPEN, AuditStatus.MODERATION)
# Audit statuses in which actions are created and worked on.
ACTIONS_LIVE = (AuditStatus.OPEN, AuditStatus.MODERATION, AuditStatus.REPORT_PUBLISHED)


def can_see_moderation(*, user: User | AnonymousUser, audit: Audit) -> bool:
    """Challenge events and moderated ratings: the lead always; participants once the report
    is published (or the audit closed)."""
    access = audit_access(user=user, audit=audit)
    if access.is_lead:
        return True
    return bool(access.return_roles) and audit.status in PUBLISHED


def can_moderate(*, user: User | AnonymousUser, participant: Participant) -> bool:
    """The lead moderates a submitted return while the audit is open or in moderation."""
    return (
        audit_access(user=user, audit=participant.audit).is_lead
        and participant.audit.status in MODERATING
        and participant.status == "submitted"
    )


def challenge_events_for(*, user: User | AnonymousUser, audit: Audit) -> QuerySet[ChallengeEvent]:
    if not can_see_moderation(user=user, audit=audit):
        return ChallengeEvent.objects.none()
    return (
        ChallengeEvent.objects.filter(audit=audit)
        .select_related("created_by")
        .prefetch_related("participants__organisation", "items")
    )


def moderated_ratings_for(
    *, user: User | AnonymousUser, participant: Participant
) -> QuerySet[ModeratedRating]:
    if not can_see_moderation(user=user, audit=participant.audit):
        return ModeratedRating.objects.none()
    return ModeratedRating.objects.filter(participant=participant).select_related(
        "rating", "moderated_by", "item"
    )


# Scores ---------------------------------------------------------------------------------------


def item_values(*, participant: Participant) -> dict[int, int | None]:
    """Each rated item's value: the moderated rating where there is one, else the self rating.

    Items not applicable (moderated, or self-rated where not moderated) are left out; an item
    with neither rating is None. Not scoped to a user: callers check `can_see_moderation`.
    """
    values: dict[int, int | None] = {}
    for item_id, value, not_applicable in Response.objects.filter(
        participant=participant
    ).values_list("item_id", "rating__value", "not_applicable"):
        if not not_applicable:
            values[item_id] = value
    for item_id, value, not_applicable in ModeratedRating.objects.filter(
        participant=participant
    ).values_list("item_id", "rating__value", "not_applicable"):
        if not_applicable:
            values.pop(item_id, None)
        else:
            values[item_id] = value
    return values


def section_scores(*, participant: Participant) -> dict[int, float | None]:
    """Each section's score: the mean of its items' values (None if none is rated)."""
    values = item_values(participant=participant)
    by_section: dict[int, list[int]] = {}
    items = Item.objects.filter(
        framework_version_id=participant.audit.framework_version_id, assessable=True
    ).values_list("pk", "section_id")
    for item_id, section_id in items:
        by_section.setdefault(section_id, [])
        if values.get(item_id) is not None:
            by_section[section_id].append(values[item_id])
    return {
        section_id: (sum(found) / len(found) if found else None)
        for section_id, found in by_section.items()
    }


# Actions --------------------------------------------------------------------------------------


def action_owner_choices(*, audit: Audit) -> QuerySet[Organisation]:
    """Organisations that may own an action: the participants and the lead."""
    return Organisation.objects.filter(
        Q(pk=audit.lead_organisation_id) | Q(audit_returns__audit=audit)
    ).distinct()


def _with_overdue_first(actions: QuerySet[Action]) -> QuerySet[Action]:
    today = timezone.localdate()
    return actions.annotate(
        overdue_order=Case(
            When(Q(due_date__lt=today) & ~Q(status=ActionStatus.VERIFIED), then=Value(0)),
            When(status=ActionStatus.VERIFIED, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_order", "due_date", "pk")


def actions_visible_to(*, user: User | AnonymousUser, audit: Audit) -> QuerySet[Action]:
    """The audit's actions the user may see, overdue ones first, then by due date."""
    access = audit_access(user=user, audit=audit)
    actions = Action.objects.filter(audit=audit)
    if not access.is_lead:
        # Participants' people (never for a draft: `audit_access` gives them no roles there).
        if not access.return_roles:
            return Action.objects.none()
        actions = actions.filter(
            pk__in=Action.objects.filter(
                audit=audit, owners__in=_organisation_ids(user, RETURN_ROLES)
            ).values("pk")
        )
    return _with_overdue_first(
        actions.select_related("verified_by", "carried_from").prefetch_related("owners", "items")
    )


@dataclass(frozen=True)
class ActionAccess:
    is_lead: bool
    is_owner: bool

    @property
    def can_update(self) -> bool:
        return self.is_lead or self.is_owner


def action_access(*, user: User | AnonymousUser, action: Action) -> ActionAccess:
    """What the user may do with an action they can see (found through `actions_visible_to`)."""
    access = audit_access(user=user, audit=action.audit)
    is_owner = (
        user.is_authenticated
        and action.audit.status != AuditStatus.DRAFT
        and action.owners.filter(pk__in=_organisation_ids(user, RETURN_ROLES)).exists()
    )
    return ActionAccess(is_lead=access.is_lead, is_owner=bool(is_owner))


def can_work_on_actions(audit: Audit) -> bool:
    return audit.status in ACTIONS_LIVE
