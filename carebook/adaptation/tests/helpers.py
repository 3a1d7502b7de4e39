"""Steps used by the scenario and property tests: publish nationally, pass it on, amend locally."""

import uuid

from carebook.manuals.models import Procedure, ProcedureVersion
from carebook.manuals.rendering import render_procedure
from carebook.manuals.selectors import latest_version, organisation_of, render_inputs
from carebook.manuals.tests.factories import republish

from ..services import propagate_national_version


def derived(manual, national) -> Procedure:
    return Procedure.objects.descendant_of(manual).get(derived_from=national)


def publish_national(national, *, sections, note="National change.", significance="significant"):
    """The publisher publishes; then the background task runs (as the worker would)."""
    page = republish(national, note=note, significance=significance, body=sections)
    version = latest_version(page)
    propagate_national_version(national_version_id=version.pk)
    return version


def amendment(position, anchor, text, heading="", amendment_id=None):
    return {
        "type": "amendment",
        "id": amendment_id or str(uuid.uuid4()),
        "value": {
            "position": position,
            "section": anchor,
            "heading": heading,
            "content": f"<p>{text}</p>",
        },
    }


def publish_local(page, *, amendments=None, note="Local change.", accept=None, **changes):
    """A local editor's draft, published (as the workflow does on approval)."""
    page = Procedure.objects.get(pk=page.pk)
    if amendments is not None:
        page.local_amendments = amendments
    if accept is not None:
        page.accepted_national_version = accept
    for name, value in changes.items():
        setattr(page, name, value)
    page.amendment_note = note
    page.significance = "significant"
    page.save_revision().publish()
    page.refresh_from_db()
    return latest_version(page)


def rendered(page):
    version = latest_version(page)
    inputs = render_inputs(version)
    organisation = organisation_of(page.get_parent().get_parent().specific)
    return render_procedure(
        version=inputs.version,
        amendments=inputs.amendments,
        organisation=organisation,
        national=inputs.national,
    )


def pinned_number(page) -> int:
    from ..selectors import current_pin

    return current_pin(page).national_version.number


def national_versions(national) -> list[ProcedureVersion]:
    return list(national.versions.order_by("number"))
