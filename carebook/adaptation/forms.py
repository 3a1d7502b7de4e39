"""The admin editing of a derived procedure: local content, hiding, and accepting national changes.

A derived procedure's edit form has no national fields at all (so a subscriber's editor cannot
change national text, even by posting them). The list of national sections that local content
can be attached to depends on the procedure being edited; Wagtail builds block forms from
shared definitions, so the list is handed to the section chooser for the current request
through a context variable set when the form is made.
"""

from contextvars import ContextVar

from django.utils.formats import date_format
from django.utils.timezone import localtime

_section_choices: ContextVar[tuple[tuple[str, str], ...]] = ContextVar(
    "carebook_national_section_choices", default=()
)


def national_section_choices() -> list[tuple[str, str]]:
    return [("", "Choose a national section"), *_section_choices.get()]


def _choices_for(procedure) -> list[tuple[str, str]]:
    """Sections of the pinned and newest national versions, and any an amendment still uses."""
    from carebook.manuals.models import ProcedureVersion

    from .selectors import current_pin, latest_national_version

    pin = current_pin(procedure)
    latest = latest_national_version(procedure.derived_from)
    shown = pin.national_version if pin else procedure.accepted_national_version or latest
    choices: dict[str, str] = {}
    for section in shown.sections if shown else []:
        choices[section["id"]] = section["heading"]
    if latest is not None and shown is not None and latest.number > shown.number:
        for section in latest.sections:
            choices.setdefault(
                section["id"], f"{section['heading']} (new in national version {latest.number})"
            )
    used = {
        block.value.get("section")
        for block in procedure.local_amendments
        if block.block_type == "amendment" and block.value.get("section")
    }
    missing = used - set(choices)
    if missing:
        for version in ProcedureVersion.objects.filter(procedure_id=procedure.derived_from_id):
            for section in version.sections:
                if section["id"] in missing:
                    choices[section["id"]] = (
                        f"{section['heading']} (no longer in the national procedure: choose "
                        "another section)"
                    )
                    missing.discard(section["id"])
    return list(choices.items())


def prepare_derived_form(form) -> None:
    """Called by the procedure form for a derived procedure."""
    from .selectors import pending_change

    procedure = form.instance
    _section_choices.set(tuple(_choices_for(procedure)))
    form.pending_change = pending_change(procedure)
    if form.pending_change is None:
        form.fields.pop("accept_national_change", None)
    else:
        latest = form.pending_change.latest
        field = form.fields["accept_national_change"]
        field.label = (
            f"Accept national version {latest.number}, published "
            f"{date_format(localtime(latest.published_at), 'j F Y')}"
        )
        field.help_text = (
            "Readers see it when this draft is approved and published. Check your local content "
            "against the changes first."
        )
        if procedure.accepted_national_version_id == latest.pk:
            form.initial["accept_national_change"] = True


def clear_section_choices() -> None:
    _section_choices.set(())


def clean_derived_form(form, cleaned: dict) -> None:
    """Refuse local content attached to a section that the published page would not have."""
    from .selectors import current_pin
    from .services import validate_anchors

    procedure = form.instance
    pin = current_pin(procedure)
    target = pin.national_version if pin else procedure.accepted_national_version
    pending = getattr(form, "pending_change", None)
    if pending is not None and cleaned.get("accept_national_change"):
        target = pending.latest
    if target is None:
        return
    amendments = []
    for block in cleaned.get("local_amendments") or []:
        if block.block_type == "amendment":
            position = block.value["position"]
            amendments.append(
                {"position": position, "anchor_section_id": block.value.get("section") or ""}
            )
    for message in validate_anchors(amendments, target):
        form.add_error("local_amendments", message)
    if cleaned.get("hidden_locally") and not (cleaned.get("hidden_reason") or "").strip():
        form.add_error(
            "hidden_reason", "Say why this procedure is hidden: readers who follow a link see it."
        )


def apply_acceptance(form, page) -> None:
    """On save: remember in the draft which national version the editor accepted."""
    pending = getattr(form, "pending_change", None)
    if pending is None or "accept_national_change" not in form.cleaned_data:
        return
    page.accepted_national_version = (
        pending.latest if form.cleaned_data["accept_national_change"] else None
    )
