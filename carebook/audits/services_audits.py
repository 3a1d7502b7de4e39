"""Writes for audit cycles and returns: each atomic, each checking who may do it.

A refusal because of who the user is raises PermissionDenied; one because of the state of
things (a draft with no participants, a return not yet complete) raises AuditError with a
message for the person.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carebook.accounts.models import Role, User
from carebook.organisations.models import Organisation

from . import evidence_files
from .models import (
    Audit,
    AuditStatus,
    Evidence,
    EvidenceKind,
    FrameworkVersion,
    Item,
    Participant,
    ParticipantStatus,
    PersonalDataWarning,
    Response,
    ScaleLevel,
)
from .personal_data import Finding, find_personal_data
from .selectors_audits import (
    audit_access,
    can_edit_return,
    can_mark_ready,
    can_sign_off,
    is_return_complete,
    lead_organisations_for,
    return_access,
)


class AuditError(Exception):
    """Something that cannot be done in the current state; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ResponseChanged(Exception):
    """The response was saved by someone else since the user opened it."""

    def __init__(self, current: Response):
        super().__init__("The response changed since it was opened.")
        self.current = current


@dataclass(frozen=True)
class FieldFindings:
    field: str
    label: str
    findings: list[Finding]


class PersonalDataFound(Exception):
    """Likely personal data in the text: the user must confirm before it is saved."""

    def __init__(self, found: list[FieldFindings]):
        super().__init__("Likely personal data found.")
        self.found = found


def check_personal_data(fields: dict[str, tuple[str, str]]) -> list[FieldFindings]:
    """Findings for each of `fields` (name -> (label, text)) that has any."""
    found = []
    for name, (label, text) in fields.items():
        findings = find_personal_data(text)
        if findings:
            found.append(FieldFindings(name, label, findings))
    return found


def _record_warning(*, response: Response, found: list[FieldFindings], user: User) -> None:
    PersonalDataWarning.objects.create(
        response=response,
        findings=[
            {"field": f.field, "kind": finding.kind, "label": finding.label, "count": finding.count}
            for f in found
            for finding in f.findings
        ],
        confirmed_by=user,
    )


# Audits ---------------------------------------------------------------------------------------


def _require_lead(*, user: User, audit: Audit) -> None:
    if not audit_access(user=user, audit=audit).is_lead:
        raise PermissionDenied("Only the lead organisation's audit leads can do this.")


def check_audit_dates(
    *, period_start: dt.date, period_end: dt.date, due_date: dt.date
) -> dict[str, str]:
    errors = {}
    if period_end < period_start:
        errors["period_end"] = "The end of the period must be the same as or after its start"
    if due_date < period_start:
        errors["due_date"] = "The due date must be the same as or after the start of the period"
    return errors


@transaction.atomic
def create_audit(
    *,
    user: User,
    lead_organisation: Organisation,
    framework_version: FrameworkVersion,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    due_date: dt.date,
    previous: Audit | None = None,
) -> Audit:
    """A draft audit. From a previous audit, its participants are invited again, their
    answers and evidence carried forward item by item where the refs match, and its actions not
    yet verified carried forward too (`services_moderation.carry_forward_actions`)."""
    if not lead_organisations_for(user=user).filter(pk=lead_organisation.pk).exists():
        raise PermissionDenied(f"You are not an audit lead at {lead_organisation}.")
    errors = check_audit_dates(period_start=period_start, period_end=period_end, due_date=due_date)
    if errors:
        raise ValidationError(errors)
    if previous is not None and previous.lead_organisation_id != lead_organisation.pk:
        raise AuditError("An audit can only carry forward an earlier audit of the same lead.")
    audit = Audit.objects.create(
        lead_organisation=lead_organisation,
        framework_version=framework_version,
        title=title,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        previous=previous,
        created_by=user,
    )
    if previous is not None:
        for earlier in previous.participants.select_related("organisation"):
            _invite(audit=audit, organisation=earlier.organisation)
        from .services_moderation import carry_forward_actions

        carry_forward_actions(source=previous, target=audit)
    return audit


@transaction.atomic
def invite_participant(*, user: User, audit: Audit, organisation: Organisation) -> Participant:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_lead(user=user, audit=audit)
    if audit.status not in (AuditStatus.DRAFT, AuditStatus.OPEN):
        raise AuditError("Organisations can only be invited while the audit is a draft or open.")
    if audit.participants.filter(organisation=organisation).exists():
        raise AuditError(f"{organisation} is already taking part in this audit.")
    return _invite(audit=audit, organisation=organisation)


def _invite(*, audit: Audit, organisation: Organisation) -> Participant:
    participant = Participant.objects.create(audit=audit, organisation=organisation)
    if audit.previous_id is not None:
        earlier = Participant.objects.filter(
            audit_id=audit.previous_id, organisation=organisation
        ).first()
        if earlier is not None:
            carry_forward(source=earlier, target=participant)
    return participant


def carry_forward(*, source: Participant, target: Participant) -> int:
    """Copy answers and evidence from an earlier return, matching items by ref; each copy is
    marked "carried forward — confirm or update". Returns how many responses were copied."""
    items_by_ref = {
        item.ref: item
        for item in Item.objects.filter(framework_version_id=target.audit.framework_version_id)
    }
    levels_by_value = {
        level.value: level
        for level in ScaleLevel.objects.filter(
            framework_version_id=target.audit.framework_version_id
        )
    }
    copied = 0
    earlier_responses = Response.objects.filter(participant=source).select_related("item", "rating")
    for earlier in earlier_responses.prefetch_related("evidence"):
        item = items_by_ref.get(earlier.item.ref)
        if item is None or not item.assessable:
            continue
        rating = levels_by_value.get(earlier.rating.value) if earlier.rating else None
        not_applicable = (
            earlier.not_applicable and target.audit.framework_version.allow_not_applicable
        )
        response = Response.objects.create(
            participant=target,
            item=item,
            rating=rating,
            not_applicable=not_applicable,
            not_applicable_reason=earlier.not_applicable_reason if not_applicable else "",
            narrative=earlier.narrative,
            sufficiency=earlier.sufficiency,
            carried_forward=True,
            carried_from=earlier,
            updated_at=timezone.now(),
        )
        for evidence in earlier.evidence.all():
            # A carried-forward file shares the stored file: it is deleted only when no
            # evidence refers to it any more (`remove_evidence`).
            Evidence.objects.create(
                response=response,
                kind=evidence.kind,
                title=evidence.title,
                procedure_id=evidence.procedure_id,
                url=evidence.url,
                stored_name=evidence.stored_name,
                file_name=evidence.file_name,
                content_type=evidence.content_type,
                size=evidence.size,
                carried_forward=True,
                added_by=evidence.added_by,
            )
        copied += 1
    return copied


@transaction.atomic
def open_audit(*, user: User, audit: Audit) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    _require_lead(user=user, audit=audit)
    if audit.status != AuditStatus.DRAFT:
        raise AuditError("This audit is already open.")
    if not audit.participants.exists():
        raise AuditError("Invite at least one organisation before opening the audit.")
    audit.status = AuditStatus.OPEN
    audit.opened_at = timezone.now()
    audit.save(update_fields=["status", "opened_at"])
    return audit


# Returns --------------------------------------------------------------------------------------


def _locked_participant(participant: Participant) -> Participant:
    return (
        Participant.objects.select_for_update()
        .select_related("audit__framework_version", "organisation")
        .get(pk=participant.pk)
    )


def _require_editable(*, user: User, participant: Participant) -> None:
    access = return_access(user=user, participant=participant)
    if not access.is_participant:
        raise PermissionDenied("Only the organisation's contributors and senior lead can edit it.")
    if not can_edit_return(access=access, participant=participant):
        raise AuditError(
            f"This return is {participant.get_status_display().lower()}, so it cannot be "
            "changed now."
            if participant.audit.status == AuditStatus.OPEN
            else "This audit is not open for returns."
        )


def _start(participant: Participant) -> None:
    if participant.status == ParticipantStatus.INVITED:
        participant.status = ParticipantStatus.IN_PROGRESS
        participant.save(update_fields=["status"])


def _response_for_update(*, participant: Participant, item: Item) -> Response:
    if item.framework_version_id != participant.audit.framework_version_id:
        raise AuditError("That item is not part of this audit's framework.")
    # Made by adding evidence before any answer: version 0, as "no answer saved yet", so that
    # evidence added meanwhile never makes someone's first answer look out of date.
    response, _ = Response.objects.select_for_update().get_or_create(
        participant=participant, item=item, defaults={"version": 0}
    )
    return response


@transaction.atomic
def save_response(
    *,
    user: User,
    participant: Participant,
    item: Item,
    expected_version: int | None,
    rating_value: int | None,
    not_applicable: bool,
    not_applicable_reason: str,
    narrative: str,
    sufficiency: str,
    confirmed_personal_data: bool = False,
) -> Response:
    """Save a participant's answer to an item.

    `expected_version` is the response's version when the user opened it (None or 0 if there
    was none): if someone has saved since, ResponseChanged is raised and nothing is written.
    Likely personal data raises PersonalDataFound unless the user has confirmed it, in which
    case the warning is recorded with the response.
    """
    participant = _locked_participant(participant)
    _require_editable(user=user, participant=participant)
    if not item.assessable:
        raise AuditError("This item is for information and is not rated.")
    version = participant.audit.framework_version
    rating = None
    if not_applicable:
        if not version.allow_not_applicable:
            raise ValidationError({"rating": "This framework does not allow “not applicable”"})
        if not not_applicable_reason.strip():
            raise ValidationError(
                {"not_applicable_reason": "Enter why this item does not apply to you"}
            )
    elif rating_value is not None:
        rating = ScaleLevel.objects.filter(framework_version=version, value=rating_value).first()
        if rating is None:
            raise ValidationError({"rating": "Select a rating from the scale"})

    existing = Response.objects.filter(participant=participant, item=item).first()
    current_version = existing.version if existing is not None else 0
    if (expected_version or 0) != current_version:
        raise ResponseChanged(existing)

    found = check_personal_data(
        {
            "narrative": ("Narrative", narrative),
            "sufficiency": ("How do we know?", sufficiency),
            "not_applicable_reason": ("Reason it does not apply", not_applicable_reason),
        }
    )
    if found and not confirmed_personal_data:
        raise PersonalDataFound(found)

    response = _response_for_update(participant=participant, item=item)
    response.rating = rating
    response.not_applicable = not_applicable
    response.not_applicable_reason = not_applicable_reason.strip() if not_applicable else ""
    response.narrative = narrative.strip()
    response.sufficiency = sufficiency.strip()
    response.carried_forward = False
    response.version = current_version + 1
    response.updated_at = timezone.now()
    response.updated_by = user
    response.save()
    if found:
        _record_warning(response=response, found=found, user=user)
    _start(participant)
    return response


@transaction.atomic
def add_link_evidence(
    *,
    user: User,
    participant: Participant,
    item: Item,
    url: str,
    title: str,
    confirmed_personal_data: bool = False,
) -> Evidence:
    participant = _locked_participant(participant)
    _require_editable(user=user, participant=participant)
    found = check_personal_data({"title": ("Description", title), "url": ("Web address", url)})
    if found and not confirmed_personal_data:
        raise PersonalDataFound(found)
    response = _response_for_update(participant=participant, item=item)
    evidence = Evidence.objects.create(
        response=response,
        kind=EvidenceKind.LINK,
        title=title.strip() or url,
        url=url,
        added_by=user,
    )
    if found:
        _record_warning(response=response, found=found, user=user)
    _start(participant)
    return evidence


@transaction.atomic
def add_procedure_evidence(
    *, user: User, participant: Participant, item: Item, procedure
) -> Evidence:
    """Link a procedure the user may read (the view finds it through readable manuals)."""
    from carebook.manuals.selectors import can_read_manual, manual_of

    participant = _locked_participant(participant)
    _require_editable(user=user, participant=participant)
    manual = manual_of(procedure)
    if manual is None or not procedure.live or not can_read_manual(user=user, manual=manual):
        raise PermissionDenied("You cannot read that procedure.")
    response = _response_for_update(participant=participant, item=item)
    existing = response.evidence.filter(kind=EvidenceKind.PROCEDURE, procedure=procedure).first()
    if existing is not None:
        return existing
    evidence = Evidence.objects.create(
        response=response,
        kind=EvidenceKind.PROCEDURE,
        title=f"{procedure.title} ({manual.title})",
        procedure=procedure,
        url=procedure.url or "",
        added_by=user,
    )
    _start(participant)
    return evidence


def add_file_evidence(
    *,
    user: User,
    participant: Participant,
    item: Item,
    upload,
    title: str = "",
    confirmed_personal_data: bool = False,
) -> Evidence:
    """Check the file by its content and keep it privately. Raises EvidenceFileError."""
    file_type = evidence_files.check_upload(upload)
    found = check_personal_data({"title": ("Description", title)})
    if found and not confirmed_personal_data:
        raise PersonalDataFound(found)
    stored_name = evidence_files.store(upload)
    try:
        with transaction.atomic():
            participant = _locked_participant(participant)
            _require_editable(user=user, participant=participant)
            response = _response_for_update(participant=participant, item=item)
            evidence = Evidence.objects.create(
                response=response,
                kind=EvidenceKind.FILE,
                title=title.strip() or upload.name,
                stored_name=stored_name,
                file_name=upload.name[:200],
                content_type=file_type.content_type,
                size=upload.size,
                added_by=user,
            )
            if found:
                _record_warning(response=response, found=found, user=user)
            _start(participant)
    except BaseException:
        evidence_files.delete_stored(stored_name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(*, user: User, evidence: Evidence) -> None:
    participant = _locked_participant(evidence.response.participant)
    _require_editable(user=user, participant=participant)
    stored_name = evidence.stored_name
    evidence.delete()
    if stored_name and not Evidence.objects.filter(stored_name=stored_name).exists():
        transaction.on_commit(lambda: evidence_files.delete_stored(stored_name))


@transaction.atomic
def mark_ready_for_sign_off(*, user: User, participant: Participant) -> Participant:
    participant = _locked_participant(participant)
    access = return_access(user=user, participant=participant)
    if not access.is_participant:
        raise PermissionDenied("Only the organisation's contributors can mark its return ready.")
    if not can_mark_ready(access=access, participant=participant):
        raise AuditError("This return cannot be marked ready for sign-off now.")
    if not is_return_complete(participant=participant):
        raise AuditError(
            "Complete every section first: each item needs a rating or “not applicable”, and "
            "answers carried forward from the last audit need confirming."
        )
    participant.status = ParticipantStatus.READY_FOR_SIGN_OFF
    participant.ready_at = timezone.now()
    participant.ready_by = user
    participant.save(update_fields=["status", "ready_at", "ready_by"])
    return participant


@transaction.atomic
def sign_off_return(*, user: User, participant: Participant) -> Participant:
    """The senior lead signs the return off, which submits it to the audit lead."""
    participant = _locked_participant(participant)
    access = return_access(user=user, participant=participant)
    if Role.SENIOR_LEAD not in access.roles:
        raise PermissionDenied("Only the organisation's senior lead can sign off its return.")
    if not can_sign_off(access=access, participant=participant):
        raise AuditError("This return is not ready for sign-off.")
    participant.status = ParticipantStatus.SUBMITTED
    participant.submitted_at = timezone.now()
    participant.submitted_by = user
    participant.save(update_fields=["status", "submitted_at", "submitted_by"])
    return participant


@transaction.atomic
def send_back_to_contributors(*, user: User, participant: Participant) -> Participant:
    """The senior lead is not ready to sign: the return goes back to in progress."""
    participant = _locked_participant(participant)
    access = return_access(user=user, participant=participant)
    if Role.SENIOR_LEAD not in access.roles:
        raise PermissionDenied("Only the organisation's senior lead can send its return back.")
    if not can_sign_off(access=access, participant=participant):
        raise AuditError("This return is not waiting for sign-off.")
    participant.status = ParticipantStatus.IN_PROGRESS
    participant.ready_at = None
    participant.ready_by = None
    participant.save(update_fields=["status", "ready_at", "ready_by"])
    return participant
