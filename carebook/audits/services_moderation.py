"""Writes for challenge, moderation and actions: each atomic, each checking who may do it.

As in `services_audits`: PermissionDenied for who the user is, AuditError for the state of
things, ValidationError (keyed by form field) for bad input.

Choices:
- Moderated ratings are `ModeratedRating` rows beside the responses: the self rating is never
  touched, and the lead's edits have their own version counter (`ModerationChanged`).
- A lead may verify an action that nobody has marked done (for example, having seen the
  evidence at a challenge event); the verification is recorded as a progress note either way.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carebook.accounts.models import User
from carebook.organisations.models import Organisation

from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Audit,
    AuditStatus,
    ChallengeEvent,
    Item,
    ModeratedRating,
    Participant,
    ParticipantStatus,
    ScaleLevel,
)
from .selectors_moderation import (
    MODERATING,
    action_access,
    action_owner_choices,
    can_work_on_actions,
)
from .services_audits import AuditError, _locked_participant, _require_lead


class ModerationChanged(Exception):
    """The moderated rating was saved by someone else since the user opened it."""

    def __init__(self, current: ModeratedRating | None):
        super().__init__("The moderated rating changed since it was opened.")
        self.current = current


def _locked_audit(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().select_related("framework_version").get(pk=audit.pk)


# Moderation -----------------------------------------------------------------------------------


@transaction.atomic
def start_moderation(*, user: User, audit: Audit) -> Audit:
    """Open → moderation: returns can no longer be changed, except those returned for changes."""
    audit = _locked_audit(audit)
    _require_lead(user=user, audit=audit)
    if audit.status != AuditStatus.OPEN:
        raise AuditError("Moderation can only start while the audit is open.")
    audit.status = AuditStatus.MODERATION
    audit.save(update_fields=["status"])
    return audit


def _items_of(audit: Audit, items) -> list[Item]:
    items = list(items)
    if any(item.framework_version_id != audit.framework_version_id for item in items):
        raise AuditError("That item is not part of this audit's framework.")
    return items


@transaction.atomic
def record_challenge_event(
    *,
    user: User,
    audit: Audit,
    date: dt.date,
    participants=(),
    attendees: str = "",
    notes: str = "",
    items=(),
) -> ChallengeEvent:
    audit = _locked_audit(audit)
    _require_lead(user=user, audit=audit)
    if audit.status not in MODERATING:
        raise AuditError("Challenge events are recorded while the audit is open or in moderation.")
    participants = list(participants)
    if any(participant.audit_id != audit.pk for participant in participants):
        raise AuditError("That organisation is not taking part in this audit.")
    if not participants and not attendees.strip():
        raise ValidationError({"participants": "Select who took part, or describe them"})
    event = ChallengeEvent.objects.create(
        audit=audit,
        date=date,
        attendees=attendees.strip(),
        notes=notes.strip(),
        created_by=user,
    )
    event.participants.set(participants)
    event.items.set(_items_of(audit, items))
    return event


@transaction.atomic
def moderate_item(
    *,
    user: User,
    participant: Participant,
    item: Item,
    expected_version: int | None,
    rating_value: int | None,
    not_applicable: bool,
    not_applicable_reason: str,
    rationale: str,
) -> ModeratedRating:
    """Set the lead's moderated rating of a participant's item, with its rationale.

    `expected_version` is the moderated rating's version when the lead opened it (0 or None if
    there was none): if another lead has saved since, ModerationChanged is raised and nothing is
    written.
    """
    participant = _locked_participant(participant)
    audit = participant.audit
    _require_lead(user=user, audit=audit)
    if audit.status not in MODERATING:
        raise AuditError("Ratings are moderated while the audit is open or in moderation.")
    if participant.status != ParticipantStatus.SUBMITTED:
        raise AuditError("Only a submitted return can be moderated.")
    if item.framework_version_id != audit.framework_version_id:
        raise AuditError("That item is not part of this audit's framework.")
    if not item.assessable:
        raise AuditError("This item is for information and is not rated.")
    errors = {}
    rating = None
    if not_applicable:
        if not audit.framework_version.allow_not_applicable:
            errors["rating"] = "This framework does not allow “not applicable”"
        elif not not_applicable_reason.strip():
            errors["not_applicable_reason"] = "Enter why this item does not apply"
    elif rating_value is None:
        errors["rating"] = "Select a moderated rating"
    else:
        rating = ScaleLevel.objects.filter(
            framework_version_id=audit.framework_version_id, value=rating_value
        ).first()
        if rating is None:
            errors["rating"] = "Select a rating from the scale"
    if not rationale.strip():
        errors["rationale"] = "Enter the rationale for the moderated rating"
    if errors:
        raise ValidationError(errors)

    existing = (
        ModeratedRating.objects.select_for_update()
        .filter(participant=participant, item=item)
        .first()
    )
    current_version = existing.version if existing is not None else 0
    if (expected_version or 0) != current_version:
        raise ModerationChanged(existing)
    moderated = existing or ModeratedRating(participant=participant, item=item, version=0)
    moderated.rating = rating
    moderated.not_applicable = not_applicable
    moderated.not_applicable_reason = not_applicable_reason.strip() if not_applicable else ""
    moderated.rationale = rationale.strip()
    moderated.version = current_version + 1
    moderated.moderated_at = timezone.now()
    moderated.moderated_by = user
    moderated.save()
    return moderated


@transaction.atomic
def return_for_changes(*, user: User, participant: Participant, message: str) -> Participant:
    """The lead returns a submitted return to the participant, in progress, with a message."""
    participant = _locked_participant(participant)
    _require_lead(user=user, audit=participant.audit)
    if participant.audit.status not in MODERATING:
        raise AuditError("Returns can be returned while the audit is open or in moderation.")
    if participant.status != ParticipantStatus.SUBMITTED:
        raise AuditError("Only a submitted return can be returned for changes.")
    if not message.strip():
        raise ValidationError({"message": "Enter what the participant needs to change"})
    participant.status = ParticipantStatus.IN_PROGRESS
    participant.ready_at = participant.ready_by = None
    participant.submitted_at = participant.submitted_by = None
    participant.returned_message = message.strip()
    participant.returned_at = timezone.now()
    participant.returned_by = user
    participant.save()
    return participant


# Actions --------------------------------------------------------------------------------------


def check_due_date(*, audit: Audit, due_date: dt.date) -> dict[str, str]:
    if due_date < audit.period_start:
        return {
            "due_date": "The due date must be the same as or after the start of the audit "
            f"period ({audit.period_start:%d/%m/%Y})"
        }
    return {}


@transaction.atomic
def create_action(
    *,
    user: User,
    audit: Audit,
    items,
    owners,
    owner_name: str,
    description: str,
    due_date: dt.date,
) -> Action:
    audit = _locked_audit(audit)
    _require_lead(user=user, audit=audit)
    if not can_work_on_actions(audit):
        raise AuditError("Actions can be added once the audit is open, until it is closed.")
    items, owners = _items_of(audit, items), list(owners)
    errors = check_due_date(audit=audit, due_date=due_date)
    if not items:
        errors["items"] = "Select the items the action is about"
    allowed = set(action_owner_choices(audit=audit).values_list("pk", flat=True))
    if not owners:
        errors["owners"] = "Select the organisations that own the action"
    elif any(owner.pk not in allowed for owner in owners):
        errors["owners"] = "Owners must be taking part in the audit, or lead it"
    if not owner_name.strip():
        errors["owner_name"] = "Enter the name of the person who owns the action"
    if not description.strip():
        errors["description"] = "Describe the action"
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        audit=audit,
        owner_name=owner_name.strip(),
        description=description.strip(),
        due_date=due_date,
        created_by=user,
    )
    action.items.set(items)
    action.owners.set(owners)
    return action


def _locked_action(action: Action) -> Action:
    return Action.objects.select_for_update().select_related("audit").get(pk=action.pk)


def _require_updater(*, user: User, action: Action) -> None:
    if not action_access(user=user, action=action).can_update:
        raise PermissionDenied("Only the action's owners and the audit lead can update it.")
    if not can_work_on_actions(action.audit):
        raise AuditError(
            "This audit is closed: its open actions continue in the next cycle."
            if action.audit.status == AuditStatus.CLOSED
            else "Actions cannot be updated until the audit is open."
        )


def _note(action: Action, user: User, note: str) -> ActionUpdate:
    return ActionUpdate.objects.create(action=action, note=note, created_by=user)


@transaction.atomic
def add_progress_note(*, user: User, action: Action, note: str) -> ActionUpdate:
    """A note from an owner or the lead; an open action becomes in progress."""
    action = _locked_action(action)
    _require_updater(user=user, action=action)
    if action.status == ActionStatus.VERIFIED:
        raise AuditError("This action is closed. The audit lead can reopen it.")
    if not note.strip():
        raise ValidationError({"note": "Enter a progress note"})
    if action.status == ActionStatus.OPEN:
        action.status = ActionStatus.IN_PROGRESS
        action.save(update_fields=["status"])
    return _note(action, user, note.strip())


@transaction.atomic
def mark_action_done(*, user: User, action: Action, completion_evidence: str) -> Action:
    """An owner (or the lead) says the action is done; it waits for the lead to verify it."""
    action = _locked_action(action)
    _require_updater(user=user, action=action)
    if action.status in (ActionStatus.DONE, ActionStatus.VERIFIED):
        raise AuditError("This action is already marked done.")
    if not completion_evidence.strip():
        raise ValidationError(
            {"completion_evidence": "Enter the evidence that the action is complete"}
        )
    action.status = ActionStatus.DONE
    action.completion_evidence = completion_evidence.strip()
    action.done_at = timezone.now()
    action.done_by = user
    action.save(update_fields=["status", "completion_evidence", "done_at", "done_by"])
    _note(action, user, "Marked done — awaiting verification.")
    return action


@transaction.atomic
def verify_action(*, user: User, action: Action, note: str = "") -> Action:
    """Only the lead verifies, which closes the action. It need not have been marked done."""
    action = _locked_action(action)
    _require_lead(user=user, audit=action.audit)
    _require_updater(user=user, action=action)
    if action.status == ActionStatus.VERIFIED:
        raise AuditError("This action is already verified and closed.")
    action.status = ActionStatus.VERIFIED
    action.verified_at = timezone.now()
    action.verified_by = user
    action.save(update_fields=["status", "verified_at", "verified_by"])
    _note(action, user, f"Verified and closed. {note.strip()}".strip())
    return action


@transaction.atomic
def reopen_action(*, user: User, action: Action, note: str) -> Action:
    """The lead sends a done or verified action back to in progress, saying why."""
    action = _locked_action(action)
    _require_lead(user=user, audit=action.audit)
    _require_updater(user=user, action=action)
    if action.status not in (ActionStatus.DONE, ActionStatus.VERIFIED):
        raise AuditError("Only an action marked done or verified can be reopened.")
    if not note.strip():
        raise ValidationError({"note": "Enter why the action is being reopened"})
    action.status = ActionStatus.IN_PROGRESS
    action.verified_at = action.verified_by = None
    action.done_at = action.done_by = None
    action.save(update_fields=["status", "verified_at", "verified_by", "done_at", "done_by"])
    _note(action, user, f"Reopened: {note.strip()}")
    return action


def carry_forward_actions(*, source: Audit, target: Audit) -> int:
    """Copy the source's unverified actions into the target, items matched by ref and owners
    kept where they still take part (or lead). Called inside `create_audit`'s transaction,
    after participants are invited. Returns how many were carried."""
    items_by_ref = {
        item.ref: item
        for item in Item.objects.filter(framework_version_id=target.framework_version_id)
    }
    allowed = set(action_owner_choices(audit=target).values_list("pk", flat=True))
    carried = 0
    earlier_actions = (
        Action.objects.filter(audit=source)
        .exclude(status=ActionStatus.VERIFIED)
        .prefetch_related("items", "owners")
    )
    for earlier in earlier_actions:
        items = [items_by_ref[i.ref] for i in earlier.items.all() if i.ref in items_by_ref]
        owners = [o for o in earlier.owners.all() if o.pk in allowed]
        if not items:
            continue
        action = Action.objects.create(
            audit=target,
            owner_name=earlier.owner_name,
            description=earlier.description,
            # Still due when it was; if that is before the new period, it is overdue.
            due_date=earlier.due_date,
            status=earlier.status,
            done_at=earlier.done_at,
            done_by=earlier.done_by,
            completion_evidence=earlier.completion_evidence,
            carried_from=earlier,
            created_by=target.created_by,
        )
        action.items.set(items)
        action.owners.set(owners or [Organisation.objects.get(pk=target.lead_organisation_id)])
        carried += 1
    return carried
