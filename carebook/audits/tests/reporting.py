"""Building answered, moderated audits for the report tests, directly with the models (the
return and moderation pages have tests of their own)."""

import datetime as dt

from django.utils import timezone

from carebook.audits.models import (
    Action,
    ActionStatus,
    Audit,
    AuditStatus,
    Item,
    ModeratedRating,
    Participant,
    ParticipantStatus,
    Response,
    ScaleLevel,
)


def level(audit: Audit, value: int) -> ScaleLevel:
    return ScaleLevel.objects.get(framework_version=audit.framework_version, value=value)


def item(audit: Audit, ref: str) -> Item:
    return Item.objects.get(framework_version=audit.framework_version, ref=ref)


def answer(participant: Participant, ref: str, value: int | None, **extra) -> Response:
    """A confirmed answer: `value` None means not applicable."""
    audit = participant.audit
    return Response.objects.update_or_create(
        participant=participant,
        item=item(audit, ref),
        defaults={
            "rating": level(audit, value) if value is not None else None,
            "not_applicable": value is None,
            "not_applicable_reason": "" if value is not None else "We do not do this.",
            "carried_forward": False,
            **extra,
        },
    )[0]


def moderate(participant: Participant, ref: str, value: int | None) -> ModeratedRating:
    audit = participant.audit
    return ModeratedRating.objects.create(
        participant=participant,
        item=item(audit, ref),
        rating=level(audit, value) if value is not None else None,
        not_applicable=value is None,
        rationale="Agreed at the challenge event.",
    )


def submit(*participants: Participant) -> None:
    for participant in participants:
        participant.status = ParticipantStatus.SUBMITTED
        participant.save(update_fields=["status"])


def add_action(
    audit: Audit,
    refs: list[str],
    owners: list,
    *,
    description: str = "Write a supervision policy",
    due: dt.date | None = None,
    status: str = ActionStatus.OPEN,
    carried_from: Action | None = None,
) -> Action:
    action = Action.objects.create(
        audit=audit,
        owner_name="A. Manager",
        description=description,
        due_date=due or timezone.localdate() + dt.timedelta(days=90),
        status=status,
        carried_from=carried_from,
    )
    action.items.set([item(audit, ref) for ref in refs])
    action.owners.set(owners)
    return action


def publish(audit: Audit) -> Audit:
    audit.status = AuditStatus.REPORT_PUBLISHED
    audit.save(update_fields=["status"])
    return audit
