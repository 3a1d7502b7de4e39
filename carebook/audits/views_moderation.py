"""Pages for challenge, moderation and actions, under /audits/ (signed-in users only).

As in `views_audits`: what the user may not know exists answers 404 (another participant's
return, challenge events and moderated ratings before the report is published, actions their
organisation does not own); what they can see but may not do answers 403 (a participant asking
for the lead's moderation form of its own return, an action owner verifying).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carebook.core.demo import DEMO_MARK

from .forms_audits import NOT_APPLICABLE
from .forms_moderation import (
    ActionFilterForm,
    ActionForm,
    ChallengeEventForm,
    DoneForm,
    ModerationForm,
    ProgressNoteForm,
    ReopenForm,
    ReturnForChangesForm,
    VerifyForm,
)
from .models import ActionStatus, AuditStatus, ModeratedRating, Response
from .selectors_audits import audit_access
from .selectors_moderation import (
    action_access,
    actions_visible_to,
    can_moderate,
    can_see_moderation,
    can_work_on_actions,
    challenge_events_for,
)
from .services_audits import AuditError
from .services_moderation import (
    ModerationChanged,
    add_progress_note,
    create_action,
    mark_action_done,
    moderate_item,
    record_challenge_event,
    reopen_action,
    return_for_changes,
    start_moderation,
    verify_action,
)
from .views_audits import (
    _audit_crumb,
    _home_crumb,
    _item_or_404,
    _item_url,
    _rating_options,
    _rating_text,
    _return_crumbs,
    _return_url,
    _visible_audit,
    _visible_participant,
)


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _require_lead(request: HttpRequest, audit) -> None:
    if not audit_access(user=request.user, audit=audit).is_lead:
        raise PermissionDenied("Only the lead organisation's audit leads can do this.")


def _demo(audit) -> dict:
    return {"is_demo": audit.lead_organisation.is_demo, "demo_mark": DEMO_MARK}


# Moderation -----------------------------------------------------------------------------------


@login_required
@require_POST
def audit_start_moderation(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    try:
        start_moderation(user=request.user, audit=audit)
    except AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Moderation has started: returns can no longer be changed, except those you "
            "return for changes.",
        )
    return redirect("audit_cycles:audit", audit.pk)


@login_required
@require_safe
def challenge_events(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    if not can_see_moderation(user=request.user, audit=audit):
        raise Http404("No challenge events to see.")
    access = audit_access(user=request.user, audit=audit)
    return render(
        request,
        "audits/cycles/challenge_events.html",
        {
            "audit": audit,
            "events": list(challenge_events_for(user=request.user, audit=audit)),
            "can_record": access.is_lead
            and audit.status in (AuditStatus.OPEN, AuditStatus.MODERATION),
            **_demo(audit),
            "breadcrumbs": [_home_crumb(), _audit_crumb(audit), {"text": "Challenge events"}],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def challenge_event_create(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    _require_lead(request, audit)
    form = ChallengeEventForm(request.POST or None, audit=audit)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_challenge_event(
                    user=request.user,
                    audit=audit,
                    date=data["date"],
                    participants=data["participants"],
                    attendees=data["attendees"],
                    notes=data["notes"],
                    items=data["items"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            except AuditError as error:
                messages.error(request, error.message)
                return redirect("audit_cycles:challenge", audit.pk)
            else:
                messages.success(request, "The challenge event has been recorded.")
                return redirect("audit_cycles:challenge", audit.pk)
        status = 400
    return render(
        request,
        "audits/cycles/challenge_event_form.html",
        {
            "audit": audit,
            "form": form,
            **_demo(audit),
            "breadcrumbs": [
                _home_crumb(),
                _audit_crumb(audit),
                {
                    "text": "Challenge events",
                    "href": reverse("audit_cycles:challenge", args=[audit.pk]),
                },
                {"text": "Record a challenge event"},
            ],
        },
        status=status,
    )


def _moderation_initial(moderated: ModeratedRating | None) -> dict:
    if moderated is None:
        return {"version": 0}
    return {
        "rating": NOT_APPLICABLE if moderated.not_applicable else str(moderated.rating.value),
        "not_applicable_reason": moderated.not_applicable_reason,
        "rationale": moderated.rationale,
        "version": moderated.version,
    }


def _moderation_conflict_rows(current, form, levels) -> list[dict]:
    theirs = _moderation_initial(current) if current else {}
    rows = []
    for name, label in (
        ("rating", "Moderated rating"),
        ("not_applicable_reason", "Why it does not apply"),
        ("rationale", "Rationale"),
    ):
        their_value, my_value = theirs.get(name, ""), form.data.get(name, "")
        if name == "rating":
            their_value = _rating_text(their_value, levels) if current else "Not moderated"
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(
    request: HttpRequest, audit_id: int, participant_id: int, item_id: int
) -> HttpResponse:
    """The lead's view of a participant's item: the self-assessment, and the moderation form."""
    participant = _visible_participant(request, audit_id, participant_id)
    item = _item_or_404(participant, item_id)
    audit = participant.audit
    _require_lead(request, audit)
    version = audit.framework_version
    levels = list(version.scale_levels.order_by("value"))
    response = (
        Response.objects.filter(participant=participant, item=item)
        .select_related("rating", "updated_by")
        .first()
    )
    moderated = (
        ModeratedRating.objects.filter(participant=participant, item=item)
        .select_related("rating", "moderated_by")
        .first()
    )
    form_kwargs = {"item": item, "levels": levels, "allow_na": version.allow_not_applicable}
    editable = can_moderate(user=request.user, participant=participant) and item.assessable
    status, conflict = 200, None
    if request.method == "POST":
        if not editable:
            messages.error(request, "This item cannot be moderated now.")
            return redirect(request.path)
        form = ModerationForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                moderate_item(
                    user=request.user,
                    participant=participant,
                    item=item,
                    expected_version=form.cleaned_data["version"],
                    rating_value=form.rating_value,
                    not_applicable=form.is_not_applicable,
                    not_applicable_reason=form.cleaned_data["not_applicable_reason"],
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as error:
                _form_errors(form, error)
                status = 400
            except ModerationChanged as changed:
                conflict = changed.current
                data = request.POST.copy()
                data["version"] = str(conflict.version if conflict else 0)
                form = ModerationForm(data, **form_kwargs)
                form.is_valid()
                status = 409
            except AuditError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            else:
                messages.success(request, f"The moderated rating of {item.ref} has been saved.")
                return redirect(_return_url(participant))
        else:
            status = 400
    else:
        form = ModerationForm(initial=_moderation_initial(moderated), **form_kwargs)
    evidence = list(response.evidence.select_related("procedure")) if response else []
    return render(
        request,
        "audits/cycles/moderate.html",
        {
            "audit": audit,
            "participant": participant,
            "item": item,
            "response": response,
            "moderated": moderated,
            "evidence": evidence,
            "form": form,
            "editable": editable,
            "rating_options": _rating_options(form, item),
            "conflict": conflict,
            "conflict_rows": (
                _moderation_conflict_rows(conflict, form, levels) if status == 409 else None
            ),
            **_demo(audit),
            "breadcrumbs": _return_crumbs(
                participant,
                {"text": item.ref, "href": _item_url(participant, item)},
                {"text": "Moderate"},
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_changes(request: HttpRequest, audit_id: int, participant_id: int) -> HttpResponse:
    """The lead returns a submitted return to the participant with a message."""
    participant = _visible_participant(request, audit_id, participant_id)
    _require_lead(request, participant.audit)
    form = ReturnForChangesForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return_for_changes(
                    user=request.user,
                    participant=participant,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            except AuditError as error:
                messages.error(request, error.message)
                return redirect(_return_url(participant))
            else:
                messages.success(
                    request,
                    f"{participant.organisation.name}'s return has been returned for changes.",
                )
                return redirect(_return_url(participant))
        status = 400
    return render(
        request,
        "audits/cycles/return_changes.html",
        {
            "audit": participant.audit,
            "participant": participant,
            "form": form,
            **_demo(participant.audit),
            "breadcrumbs": _return_crumbs(participant, {"text": "Return for changes"}),
        },
        status=status,
    )


# Actions --------------------------------------------------------------------------------------


def _actions_crumb(audit) -> dict:
    return {"text": "Action plan", "href": reverse("audit_cycles:actions", args=[audit.pk])}


@login_required
@require_safe
def action_plan(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    access = audit_access(user=request.user, audit=audit)
    if not access.is_lead and not access.return_roles:
        raise Http404("No action plan to see.")
    actions = actions_visible_to(user=request.user, audit=audit)
    filters = ActionFilterForm(request.GET or None, audit=audit)
    if filters.is_valid():
        organisation = filters.cleaned_data["organisation"]
        status = filters.cleaned_data["status"]
        if organisation is not None:
            actions = actions.filter(owners=organisation)
        if status == "overdue":
            actions = actions.filter(due_date__lt=timezone.localdate()).exclude(
                status=ActionStatus.VERIFIED
            )
        elif status:
            actions = actions.filter(status=status)
    actions = list(actions)
    today = timezone.localdate()
    return render(
        request,
        "audits/cycles/action_plan.html",
        {
            "audit": audit,
            "access": access,
            "rows": [{"action": a, "overdue": a.is_overdue(today)} for a in actions],
            "overdue_count": sum(1 for a in actions if a.is_overdue(today)),
            "filters": filters,
            "can_create": access.is_lead and can_work_on_actions(audit),
            **_demo(audit),
            "breadcrumbs": [_home_crumb(), _audit_crumb(audit), {"text": "Action plan"}],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    _require_lead(request, audit)
    initial = {}
    if request.GET.get("item"):
        initial["items"] = [request.GET["item"]]
    form = ActionForm(request.POST or None, audit=audit, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = create_action(
                    user=request.user,
                    audit=audit,
                    items=data["items"],
                    owners=data["owners"],
                    owner_name=data["owner_name"],
                    description=data["description"],
                    due_date=data["due_date"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            except AuditError as error:
                messages.error(request, error.message)
                return redirect("audit_cycles:actions", audit.pk)
            else:
                messages.success(request, "The action has been added to the action plan.")
                return redirect("audit_cycles:action", audit.pk, action.pk)
        status = 400
    return render(
        request,
        "audits/cycles/action_form.html",
        {
            "audit": audit,
            "form": form,
            **_demo(audit),
            "breadcrumbs": [
                _home_crumb(),
                _audit_crumb(audit),
                _actions_crumb(audit),
                {"text": "Add an action"},
            ],
        },
        status=status,
    )


ACTION_FORMS = {
    "note": ProgressNoteForm,
    "done": DoneForm,
    "verify": VerifyForm,
    "reopen": ReopenForm,
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_detail(request: HttpRequest, audit_id: int, action_id: int) -> HttpResponse:
    audit = _visible_audit(request, audit_id)
    action = get_object_or_404(actions_visible_to(user=request.user, audit=audit), pk=action_id)
    access = action_access(user=request.user, action=action)
    forms = {name: form_class(prefix=name) for name, form_class in ACTION_FORMS.items()}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("action")
        if kind not in ACTION_FORMS:
            return HttpResponse("Unknown action.", status=400, content_type="text/plain")
        if kind in ("verify", "reopen") and not access.is_lead:
            raise PermissionDenied("Only the audit lead verifies or reopens actions.")
        if not access.can_update:
            raise PermissionDenied("Only the action's owners and the audit lead can update it.")
        form = ACTION_FORMS[kind](request.POST, prefix=kind)
        forms[kind] = form
        if form.is_valid():
            try:
                if kind == "note":
                    add_progress_note(
                        user=request.user, action=action, note=form.cleaned_data["note"]
                    )
                    success = "Your progress note has been added."
                elif kind == "done":
                    mark_action_done(
                        user=request.user,
                        action=action,
                        completion_evidence=form.cleaned_data["completion_evidence"],
                    )
                    success = "The action is marked done and waits for the audit lead to verify it."
                elif kind == "verify":
                    verify_action(user=request.user, action=action, note=form.cleaned_data["note"])
                    success = "The action is verified and closed."
                else:
                    reopen_action(user=request.user, action=action, note=form.cleaned_data["note"])
                    success = "The action has been reopened."
            except ValidationError as error:
                _form_errors(form, error)
            except AuditError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            else:
                messages.success(request, success)
                return redirect(request.path)
        status = 400
    live = can_work_on_actions(audit)
    is_closed = action.status == ActionStatus.VERIFIED
    return render(
        request,
        "audits/cycles/action.html",
        {
            "audit": audit,
            "action": action,
            "overdue": action.is_overdue(),
            "updates": list(action.updates.select_related("created_by")),
            "forms": forms,
            "error_form": next((f for f in forms.values() if f.is_bound and f.errors), None),
            "can_note": live and access.can_update and not is_closed,
            "can_mark_done": live
            and access.can_update
            and action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
            "can_verify": live and access.is_lead and not is_closed,
            "can_reopen": live
            and access.is_lead
            and action.status in (ActionStatus.DONE, ActionStatus.VERIFIED),
            **_demo(audit),
            "breadcrumbs": [
                _home_crumb(),
                _audit_crumb(audit),
                _actions_crumb(audit),
                {"text": "Action"},
            ],
        },
        status=status,
    )
