"""Pages for audit cycles and returns, under /audits/ (signed-in users only).

Every page finds its audit, return or evidence through a selector that takes the user. What the
user may not see does not exist for them: 404. What they can see but may not do (a contributor
posting to "open the audit", an audit lead editing a participant's return) is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carebook.accounts.models import Role
from carebook.core.demo import DEMO_MARK

from . import evidence_files
from .forms_audits import (
    NOT_APPLICABLE,
    STALE_FORM,
    AuditForm,
    FileEvidenceForm,
    InviteForm,
    LinkEvidenceForm,
    ResponseForm,
    SendBackForm,
)
from .models import AuditStatus, EvidenceKind, Participant, ParticipantStatus, Response
from .personal_data import describe
from .reports import PUBLISHED_STATUSES
from .selectors_audits import (
    COMPLETED,
    audit_access,
    audits_visible_to,
    can_edit_return,
    can_mark_ready,
    can_sign_off,
    evidence_visible_to,
    is_return_complete,
    item_in_audit,
    lead_organisations_for,
    participants_visible_to,
    procedure_search,
    return_access,
    return_sections,
    section_in_audit,
)
from .selectors_moderation import (
    MODERATING,
    can_moderate,
    can_see_moderation,
    moderated_ratings_for,
)
from .selectors_reports import reports_visible_to
from .services_audits import (
    AuditError,
    PersonalDataFound,
    ResponseChanged,
    add_file_evidence,
    add_link_evidence,
    add_procedure_evidence,
    create_audit,
    invite_participant,
    mark_ready_for_sign_off,
    open_audit,
    remove_evidence,
    save_response,
    send_back_to_contributors,
    sign_off_return,
)


def _home_crumb() -> dict:
    return {"text": "Self-audit", "href": reverse("audit_cycles:home")}


def _audit_crumb(audit) -> dict:
    return {"text": audit.title, "href": reverse("audit_cycles:audit", args=[audit.pk])}


def _return_url(participant: Participant) -> str:
    return reverse("audit_cycles:return", args=[participant.audit_id, participant.pk])


def _return_crumbs(participant: Participant, *more: dict) -> list[dict]:
    return [
        _home_crumb(),
        _audit_crumb(participant.audit),
        {"text": f"{participant.organisation.name}'s return", "href": _return_url(participant)},
        *more,
    ]


def _visible_audit(request: HttpRequest, audit_id: int):
    audit = get_object_or_404(audits_visible_to(user=request.user), pk=audit_id)
    request.organisation = audit.lead_organisation
    return audit


def _visible_participant(request: HttpRequest, audit_id: int, participant_id: int) -> Participant:
    participant = get_object_or_404(
        participants_visible_to(user=request.user), pk=participant_id, audit_id=audit_id
    )
    request.organisation = participant.organisation
    return participant


def _is_demo(audit) -> bool:
    return audit.lead_organisation.is_demo


def _personal_data_findings(found: PersonalDataFound, form) -> list[dict]:
    """Each finding with the field's label (as on the page) and a link to the field."""
    findings = []
    for field in found.found:
        findings.append(
            {
                "label": field.label,
                "anchor": form[field.field].auto_id
                if field.field in form.fields
                else "main-content",
                "description": describe(field.findings),
            }
        )
    return findings


# Audits ---------------------------------------------------------------------------------------


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    audits = list(audits_visible_to(user=request.user))
    returns = {}
    for participant in participants_visible_to(user=request.user).filter(audit__in=audits):
        returns.setdefault(participant.audit_id, []).append(participant)
    led, taking_part = [], []
    for audit in audits:
        access = audit_access(user=request.user, audit=audit)
        mine = [p for p in returns.get(audit.pk, []) if access.roles_for(p)]
        if access.is_lead:
            participants = returns.get(audit.pk, [])
            submitted = sum(1 for p in participants if p.status == ParticipantStatus.SUBMITTED)
            led.append({"audit": audit, "participants": participants, "submitted": submitted})
        if mine:
            taking_part.append({"audit": audit, "returns": mine})
    return render(
        request,
        "audits/cycles/home.html",
        {
            "led": led,
            "taking_part": taking_part,
            "can_create": lead_organisations_for(user=request.user).exists(),
            # Audits the user leads are listed above; their audit pages link the report.
            "reports": list(
                reports_visible_to(user=request.user)
                .filter(status__in=PUBLISHED_STATUSES)
                .exclude(pk__in=[row["audit"].pk for row in led])
            ),
            "has_demo": any(audit.lead_organisation.is_demo for audit in audits),
            "demo_mark": DEMO_MARK,
            "breadcrumbs": [{"text": "Self-audit"}],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def audit_create(request: HttpRequest) -> HttpResponse:
    if not lead_organisations_for(user=request.user).exists():
        raise PermissionDenied("Only audit leads can start an audit.")
    form = AuditForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = create_audit(
                user=request.user,
                lead_organisation=data["lead_organisation"],
                framework_version=data["framework_version"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_date=data["due_date"],
                previous=data["previous"],
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"“{audit.title}” has been created as a draft.")
            return redirect("audit_cycles:audit", audit.pk)
    return render(
        request,
        "audits/cycles/audit_form.html",
        {"form": form, "breadcrumbs": [_home_crumb(), {"text": "Start an audit"}]},
    )


def _audit_page(request, audit, *, invite_form=None, status=200) -> HttpResponse:
    access = audit_access(user=request.user, audit=audit)
    participants = list(audit.participants.select_related("organisation"))
    if not access.is_lead:
        participants = [p for p in participants if access.roles_for(p)]
    if (
        access.is_lead
        and invite_form is None
        and audit.status
        in (
            AuditStatus.DRAFT,
            AuditStatus.OPEN,
        )
    ):
        invite_form = InviteForm(audit=audit)
    return render(
        request,
        "audits/cycles/audit_detail.html",
        {
            "audit": audit,
            "access": access,
            "participants": participants,
            "invite_form": invite_form if access.is_lead else None,
            "can_open": access.is_lead and audit.status == AuditStatus.DRAFT,
            "report_readable": access.is_lead or audit.status in PUBLISHED_STATUSES,
            "can_start_moderation": access.is_lead and audit.status == AuditStatus.OPEN,
            "can_see_moderation": can_see_moderation(user=request.user, audit=audit),
            "sees_actions": audit.status != AuditStatus.DRAFT
            and (access.is_lead or bool(access.return_roles)),
            "is_demo": _is_demo(audit),
            "demo_mark": DEMO_MARK,
            "breadcrumbs": [_home_crumb(), {"text": audit.title}],
        },
        status=status,
    )


@login_required
@require_safe
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _audit_page(request, _visible_audit(request, audit_id))


@login_required
@require_POST
def audit_invite(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    if not audit_access(user=request.user, audit=audit).is_lead:
        raise PermissionDenied("Only the lead organisation's audit leads can invite.")
    form = InviteForm(request.POST, audit=audit)
    if not form.is_valid():
        return _audit_page(request, audit, invite_form=form)
    try:
        participant = invite_participant(
            user=request.user, audit=audit, organisation=form.cleaned_data["organisation"]
        )
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{participant.organisation} has been invited.")
    return redirect("audit_cycles:audit", audit.pk)


@login_required
@require_POST
def audit_open(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    try:
        open_audit(user=request.user, audit=audit)
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The audit is open: participants can now complete returns.")
    return redirect("audit_cycles:audit", audit.pk)


# Returns --------------------------------------------------------------------------------------


def _return_context(request, participant: Participant) -> dict:
    access = return_access(user=request.user, participant=participant)
    return {
        "participant": participant,
        "audit": participant.audit,
        "access": access,
        "can_edit": can_edit_return(access=access, participant=participant),
        "is_demo": _is_demo(participant.audit),
        "demo_mark": DEMO_MARK,
    }


def _return_page(request, participant: Participant, *, unfinished=None, status=200):
    context = _return_context(request, participant)
    sections = return_sections(participant=participant)
    assessable = [state for section in sections for state in section.assessable]
    can_mark = can_mark_ready(access=context["access"], participant=participant)
    context.update(
        {
            "sections": sections,
            "completed_count": sum(1 for s in sections if s.status == COMPLETED),
            "answered": sum(1 for state in assessable if state.status == COMPLETED),
            "assessable_count": len(assessable),
            "can_mark_ready": can_mark,
            "is_complete": can_mark and all(s.status == COMPLETED for s in assessable),
            "unfinished": unfinished,
            "can_sign_off": can_sign_off(access=context["access"], participant=participant),
            "can_return_for_changes": context["access"].is_lead
            and participant.status == ParticipantStatus.SUBMITTED
            and participant.audit.status in MODERATING,
            "breadcrumbs": [
                _home_crumb(),
                _audit_crumb(participant.audit),
                {"text": f"{participant.organisation.name}'s return"},
            ],
        }
    )
    return render(request, "audits/cycles/return.html", context, status=status)


def _unfinished(participant: Participant) -> list[dict]:
    """What stops the return being marked ready: each incomplete section, and each answer
    carried forward but not yet confirmed, with a link to it."""
    unfinished = []
    for section in return_sections(participant=participant):
        if section.status == COMPLETED:
            continue
        unfinished.append(
            {
                "text": f"Complete section {section.section.ref}: {section.section.name}",
                "href": reverse(
                    "audit_cycles:section",
                    args=[participant.audit_id, participant.pk, section.section.pk],
                ),
            }
        )
        for state in section.assessable:
            if state.response is not None and state.response.carried_forward:
                unfinished.append(
                    {
                        "text": f"Confirm or update the answer carried forward for "
                        f"{state.item.ref}",
                        "href": _item_url(participant, state.item),
                    }
                )
    return unfinished


@login_required
@require_safe
def return_tasks(request: HttpRequest, audit_id: int, participant_id: int) -> HttpResponse:
    return _return_page(request, _visible_participant(request, audit_id, participant_id))


@login_required
@require_POST
def return_ready(request: HttpRequest, audit_id: int, participant_id: int) -> HttpResponse:
    participant = _visible_participant(request, audit_id, participant_id)
    access = return_access(user=request.user, participant=participant)
    if can_mark_ready(access=access, participant=participant) and not is_return_complete(
        participant=participant
    ):
        return _return_page(request, participant, unfinished=_unfinished(participant), status=400)
    try:
        mark_ready_for_sign_off(user=request.user, participant=participant)
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The return is ready for your senior lead to sign off.")
    return redirect(_return_url(participant))


def _signing_off(request, audit_id: int, participant_id: int) -> Participant:
    """The return, for its senior lead while it waits for sign-off; otherwise 403, or a
    redirect to the return with a message."""
    participant = _visible_participant(request, audit_id, participant_id)
    access = return_access(user=request.user, participant=participant)
    if not can_sign_off(access=access, participant=participant):
        if Role.SENIOR_LEAD not in access.roles:
            raise PermissionDenied("Only the organisation's senior lead can sign off its return.")
        raise _NotWaiting(participant)
    return participant


class _NotWaiting(Exception):
    def __init__(self, participant: Participant):
        self.participant = participant


def _not_waiting(request, error: _NotWaiting) -> HttpResponse:
    messages.error(request, "This return is not waiting for sign-off.")
    return redirect(_return_url(error.participant))


def _answers_by_section(participant: Participant) -> list[dict]:
    """Every section's items with their answers and evidence, for the senior lead to check."""
    responses = {
        response.item_id: response
        for response in Response.objects.filter(participant=participant)
        .select_related("rating")
        .prefetch_related("evidence")
    }
    return [
        {
            "section": state.section,
            "items": [
                {"item": item_state.item, "response": responses.get(item_state.item.pk)}
                for item_state in state.assessable
            ],
        }
        for state in return_sections(participant=participant)
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_sign_off(request: HttpRequest, audit_id: int, participant_id: int) -> HttpResponse:
    """Check your answers, then sign off: the POST must come from the check page's button."""
    try:
        participant = _signing_off(request, audit_id, participant_id)
    except _NotWaiting as error:
        return _not_waiting(request, error)
    if request.method == "POST":
        if request.POST.get("confirm") != "sign-off":
            return redirect(request.path)
        try:
            sign_off_return(user=request.user, participant=participant)
        except AuditError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "You have signed off the return: it has been submitted to the audit lead."
            )
        return redirect(_return_url(participant))
    context = _return_context(request, participant)
    context.update(
        {
            "answers": _answers_by_section(participant),
            "breadcrumbs": _return_crumbs(participant, {"text": "Check before signing off"}),
        }
    )
    return render(request, "audits/cycles/sign_off.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_send_back(request: HttpRequest, audit_id: int, participant_id: int) -> HttpResponse:
    try:
        participant = _signing_off(request, audit_id, participant_id)
    except _NotWaiting as error:
        return _not_waiting(request, error)
    form = SendBackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                send_back_to_contributors(
                    user=request.user, participant=participant, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            except AuditError as error:
                messages.error(request, error.message)
                return redirect(_return_url(participant))
            else:
                messages.success(request, "The return has gone back to contributors.")
                return redirect(_return_url(participant))
    context = _return_context(request, participant)
    context.update(
        {
            "form": form,
            "breadcrumbs": _return_crumbs(participant, {"text": "Send back to contributors"}),
        }
    )
    return render(request, "audits/cycles/send_back.html", context, status=status)


@login_required
@require_safe
def return_section(
    request: HttpRequest, audit_id: int, participant_id: int, section_id: int
) -> HttpResponse:
    participant = _visible_participant(request, audit_id, participant_id)
    if section_in_audit(participant=participant, section_id=section_id) is None:
        raise Http404("No such section in this audit.")
    state = next(s for s in return_sections(participant=participant) if s.section.pk == section_id)
    moderated = {
        m.item_id: m for m in moderated_ratings_for(user=request.user, participant=participant)
    }
    for entry in state.items:
        entry.moderated = moderated.get(entry.item.pk)
    context = _return_context(request, participant)
    context.update(
        {
            "state": state,
            "section": state.section,
            "breadcrumbs": _return_crumbs(participant, {"text": state.section.name}),
        }
    )
    return render(request, "audits/cycles/section.html", context)


def _item_or_404(participant: Participant, item_id: int):
    item = item_in_audit(participant=participant, item_id=item_id)
    if item is None:
        raise Http404("No such item in this audit.")
    return item


def _response_initial(response: Response | None) -> dict:
    if response is None:
        return {"version": 0}
    rating = NOT_APPLICABLE if response.not_applicable else ""
    if response.rating_id:
        rating = str(response.rating.value)
    return {
        "rating": rating,
        "not_applicable_reason": response.not_applicable_reason,
        "narrative": response.narrative,
        "sufficiency": response.sufficiency,
        "version": response.version,
    }


def _rating_options(form: ResponseForm, item) -> list[dict]:
    descriptors = {d.level.value: d.description for d in item.level_descriptors.all()}
    selected = form["rating"].value()
    options = []
    for level in form.levels:
        options.append(
            {
                "value": str(level.value),
                "label": level.label,
                "hint": descriptors.get(level.value) or level.description,
                "checked": str(selected) == str(level.value),
            }
        )
    if form.allow_na:
        options.append(
            {
                "value": NOT_APPLICABLE,
                "label": "Not applicable",
                "hint": "",
                "checked": selected == NOT_APPLICABLE,
            }
        )
    return options


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_item(
    request: HttpRequest, audit_id: int, participant_id: int, item_id: int
) -> HttpResponse:
    participant = _visible_participant(request, audit_id, participant_id)
    item = _item_or_404(participant, item_id)
    context = _return_context(request, participant)
    version = participant.audit.framework_version
    levels = list(version.scale_levels.order_by("value"))
    response = (
        Response.objects.filter(participant=participant, item=item)
        .select_related("rating", "updated_by")
        .first()
    )
    form_kwargs = {"item": item, "levels": levels, "allow_na": version.allow_not_applicable}
    status = 200
    conflict = None
    personal_data = None
    if request.method == "POST":
        if not context["can_edit"]:
            if not context["access"].is_participant:
                raise PermissionDenied("Only the organisation's contributors can edit its return.")
            messages.error(request, "This return cannot be changed now.")
            return redirect(request.path)
        form = ResponseForm(request.POST, **form_kwargs)
        if form.is_valid() and form.is_empty:
            # Nothing entered: never wipe a saved or carried-forward answer by accident.
            if response is not None and not _is_blank(response):
                messages.info(
                    request,
                    f"Nothing was saved for {item.ref}: the form was empty, so the answer "
                    "already there has been kept.",
                )
            else:
                messages.info(request, f"Nothing to save: {item.ref} has no answer yet.")
            return redirect(_after_save(request, participant, item))
        if form.is_valid():
            try:
                save_response(
                    user=request.user,
                    participant=participant,
                    item=item,
                    expected_version=form.cleaned_data["version"],
                    rating_value=form.rating_value,
                    not_applicable=form.is_not_applicable,
                    not_applicable_reason=form.cleaned_data["not_applicable_reason"],
                    narrative=form.cleaned_data["narrative"],
                    sufficiency=form.cleaned_data["sufficiency"],
                    confirmed_personal_data=form.cleaned_data["confirm_personal_data"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                status = 400
            except ResponseChanged as changed:
                conflict = changed.current
                data = request.POST.copy()
                data["version"] = str(conflict.version if conflict else 0)
                data.pop("confirm_personal_data", None)
                form = ResponseForm(data, **form_kwargs)
                form.is_valid()
                status = 409
            except PersonalDataFound as found:
                personal_data = _personal_data_findings(found, form)
            else:
                messages.success(request, f"Your answer to {item.ref} has been saved.")
                return redirect(_after_save(request, participant, item))
        else:
            status = 400
            if STALE_FORM in form.non_field_errors():
                # A missing or tampered version: draw the form again from the current one.
                form.data = form.data.copy()
                form.data["version"] = str(response.version if response else 0)
    else:
        form = ResponseForm(initial=_response_initial(response), **form_kwargs)
    evidence = list(response.evidence.select_related("procedure")) if response else []
    context.update(
        {
            "item": item,
            "section": item.section,
            "form": form,
            "response": response,
            "evidence": evidence,
            "rating_options": _rating_options(form, item),
            "conflict": conflict,
            "conflict_rows": _conflict_rows(conflict, form, levels) if status == 409 else None,
            "can_see_moderation": can_see_moderation(user=request.user, audit=participant.audit),
            "moderated": moderated_ratings_for(user=request.user, participant=participant)
            .filter(item=item)
            .first(),
            "can_moderate": can_moderate(user=request.user, participant=participant),
            "personal_data": personal_data,
            "breadcrumbs": _return_crumbs(
                participant,
                {
                    "text": item.section.name,
                    "href": reverse(
                        "audit_cycles:section", args=[audit_id, participant.pk, item.section_id]
                    ),
                },
                {"text": item.ref},
            ),
        }
    )
    return render(request, "audits/cycles/item.html", context, status=status)


def _is_blank(response: Response) -> bool:
    return not (
        response.rating_id or response.not_applicable or response.narrative or response.sufficiency
    )


def _after_save(request, participant: Participant, item) -> str:
    """Where the button pressed leads: the evidence page, the next item, or the section."""
    if "save_and_evidence" in request.POST:
        return reverse(
            "audit_cycles:evidence", args=[participant.audit_id, participant.pk, item.pk]
        )
    if "save_and_next" in request.POST:
        following = _next_item(participant, item)
        if following is not None:
            return _item_url(participant, following)
    return reverse(
        "audit_cycles:section", args=[participant.audit_id, participant.pk, item.section_id]
    )


def _item_url(participant: Participant, item) -> str:
    return reverse("audit_cycles:item", args=[participant.audit_id, participant.pk, item.pk])


def _next_item(participant: Participant, item):
    return (
        participant.audit.framework_version.items.filter(
            position__gt=item.position, assessable=True
        )
        .order_by("position")
        .first()
    )


def _rating_text(rating_value: str, levels) -> str:
    if rating_value == NOT_APPLICABLE:
        return "Not applicable"
    for level in levels:
        if str(level.value) == str(rating_value):
            return f"{level.value}: {level.label}"
    return "Not rated"


def _conflict_rows(current: Response | None, form: ResponseForm, levels) -> list[dict]:
    """Their saved answer beside the one this user tried to save, field by field."""
    theirs = _response_initial(current) if current else {}
    mine = form.data
    rows = []
    for name, label in (
        ("rating", "Self rating"),
        ("not_applicable_reason", "Why it does not apply"),
        ("narrative", "What we do"),
        ("sufficiency", "How do we know?"),
    ):
        their_value = theirs.get(name, "")
        my_value = mine.get(name, "")
        if name == "rating":
            their_value = _rating_text(their_value, levels)
            my_value = _rating_text(my_value, levels)
        rows.append(
            {
                "label": label,
                "theirs": their_value,
                "mine": my_value,
                "differs": their_value != my_value,
            }
        )
    return rows


# Evidence -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_evidence(
    request: HttpRequest, audit_id: int, participant_id: int, item_id: int
) -> HttpResponse:
    participant = _visible_participant(request, audit_id, participant_id)
    item = _item_or_404(participant, item_id)
    context = _return_context(request, participant)
    link_form = LinkEvidenceForm(prefix="link")
    file_form = FileEvidenceForm(prefix="upload")
    personal_data = None
    status = 200
    if request.method == "POST":
        if not context["can_edit"]:
            if not context["access"].is_participant:
                raise PermissionDenied("Only the organisation's contributors can add evidence.")
            messages.error(request, "This return cannot be changed now.")
            return redirect(request.path)
        action = request.POST.get("action")
        try:
            if action == "link":
                link_form = LinkEvidenceForm(request.POST, prefix="link")
                if link_form.is_valid():
                    add_link_evidence(
                        user=request.user,
                        participant=participant,
                        item=item,
                        url=link_form.cleaned_data["url"],
                        title=link_form.cleaned_data["title"],
                        confirmed_personal_data=link_form.cleaned_data["confirm_personal_data"],
                    )
                    messages.success(request, "The web address has been added.")
                    return redirect(request.path)
                status = 400
            elif action == "upload":
                file_form = FileEvidenceForm(request.POST, request.FILES, prefix="upload")
                if file_form.is_valid():
                    add_file_evidence(
                        user=request.user,
                        participant=participant,
                        item=item,
                        upload=file_form.cleaned_data["file"],
                        title=file_form.cleaned_data["file_title"],
                        confirmed_personal_data=file_form.cleaned_data["confirm_personal_data"],
                    )
                    messages.success(request, "The file has been uploaded.")
                    return redirect(request.path)
                status = 400
            elif action == "procedure":
                procedure = _readable_procedure(request.POST.get("procedure"))
                add_procedure_evidence(
                    user=request.user, participant=participant, item=item, procedure=procedure
                )
                messages.success(request, f"“{procedure.title}” has been added.")
                return redirect(request.path)
            elif action == "remove":
                evidence = get_object_or_404(
                    evidence_visible_to(user=request.user).filter(
                        response__participant=participant, response__item=item
                    ),
                    pk=_int_or_404(request.POST.get("evidence")),
                )
                remove_evidence(user=request.user, evidence=evidence)
                messages.success(request, f"“{evidence.title}” has been removed.")
                return redirect(request.path)
            else:
                return HttpResponse("Unknown action.", status=400, content_type="text/plain")
        except PersonalDataFound as found:
            personal_data = _personal_data_findings(
                found, link_form if action == "link" else file_form
            )
            context["personal_data_action"] = action
        except AuditError as error:
            messages.error(request, error.message)
            return redirect(request.path)
    response = Response.objects.filter(participant=participant, item=item).first()
    evidence = list(response.evidence.select_related("procedure")) if response else []
    query = request.GET.get("q", "").strip()[:200]
    context.update(
        {
            "item": item,
            "section": item.section,
            "evidence": evidence,
            "link_form": link_form,
            "file_form": file_form,
            "personal_data": personal_data,
            "query": query,
            "search_hits": procedure_search(user=request.user, query=query) if query else None,
            "accept": evidence_files.ACCEPT,
            "breadcrumbs": _return_crumbs(
                participant,
                {"text": item.ref, "href": _item_url(participant, item)},
                {"text": "Evidence"},
            ),
        }
    )
    return render(request, "audits/cycles/evidence.html", context, status=status)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such evidence.") from None


def _readable_procedure(value):
    from carebook.manuals.models import Procedure

    procedure = Procedure.objects.live().filter(pk=_int_or_404(value)).first()
    if procedure is None:
        raise Http404("No such procedure.")
    return procedure


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(
        evidence_visible_to(user=request.user).filter(kind=EvidenceKind.FILE), pk=evidence_id
    )
    try:
        handle = evidence_files.path_of(evidence.stored_name).open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
