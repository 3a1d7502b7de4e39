"""Demo: Northshire (national updates applied automatically) and Eastborough (reviewed first)
follow the national library's base manual, each with local content of its own.

Both subscribe on 1 June 2026; the national versions published after that date are then passed
on in date order, as the background task would have done, so that each manual shows a real
history: national updates applied in Northshire, waiting for review in Eastborough (one of
them accepted), local content flagged where its national section changed or was removed, a
hidden procedure, a local-only procedure and a new national procedure added or offered.
Creates what is missing and never overwrites: a manual that already follows the base is left.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from carebook.manuals.demo import body_from_sections, section_id
from carebook.manuals.models import Chapter, Manual, Procedure, ProcedureVersion
from carebook.manuals.services import publish_procedure_version
from carebook.manuals.signals import receivers_paused
from carebook.organisations.models import NationalUpdates, Organisation

from .models import Subscription
from .services import propagate_national_version, subscribe

LONDON = ZoneInfo("Europe/London")
SUBSCRIBED_ON = dt.date(2026, 6, 1)
LOCAL_CONTENT_ON = dt.date(2026, 6, 10)
AMENDMENT_NAMESPACE = uuid.UUID("0c9e5b7a-3f1d-4e8a-b6c2-5d4f3a2e1b09")

MANUAL = {
    "title": "Children's Social Care Procedures",
    "slug": "childrens-social-care",
    "summary": "Demo content — not for practice. The national children's social care "
    "procedures, with {name}'s own local content.",
}

ORGANISATIONS = {
    "northshire": {
        "policy": NationalUpdates.AUTOMATIC,
        "amendments": {
            "strategy-discussions-and-section-47-enquiries": [
                (
                    "after",
                    "convening",
                    "Who convenes a strategy discussion in Northshire",
                    "<p>In Northshire the team manager of the Multi-Agency Safeguarding Hub "
                    "convenes strategy discussions in office hours; out of hours the Emergency "
                    "Duty Team manager does. Book the discussion through the MASH duty line "
                    "(01632 960 104, a fictional number).</p>",
                ),
            ],
            "case-recording": [
                (
                    "after",
                    "handwritten-notes",
                    "Scanning notes in Northshire",
                    "<p>Northshire staff scan handwritten notes into the case record within two "
                    "working days using the document upload in the case management system, "
                    "then shred the paper copy.</p>",
                ),
            ],
            "escalation-and-resolving-professional-disagreements": [
                (
                    "after",
                    "stages",
                    "Northshire escalation contacts",
                    "<p>At stage three in Northshire, contact the Head of Service for "
                    "Safeguarding through the partnership business unit.</p>",
                ),
            ],
            "children-missing-from-home-or-care": [
                (
                    "end",
                    "",
                    "Return home interviews in Northshire",
                    "<p>Northshire's return home interviews are carried out by the Young "
                    "People's Service. Make the request on the missing episode form on the "
                    "same working day the child returns.</p>",
                ),
            ],
        },
        "hidden": {
            "private-fostering": "Northshire's private fostering duties are set out in the "
            "Northshire Fostering Service manual.",
        },
        "local_only": {
            "chapter": "safeguarding-and-child-protection",
            "title": "Out-of-hours emergency duty team",
            "summary": "How to reach Northshire's Emergency Duty Team and what it can do at "
            "night, at weekends and on bank holidays.",
            "sections": [
                (
                    "When to call",
                    "<p>Call the Emergency Duty Team when a child may need protection before "
                    "the next working day. For any immediate danger, call the police on 999 "
                    "first.</p>",
                ),
                (
                    "What the team can do",
                    "<p>The team can convene a strategy discussion, arrange an emergency "
                    "placement and apply for an emergency protection order. It passes every "
                    "contact to the day service by 10am on the next working day.</p>",
                ),
            ],
        },
    },
    "eastborough": {
        "policy": NationalUpdates.REVIEW,
        "amendments": {
            "child-protection-conferences": [
                (
                    "after",
                    "virtual-and-hybrid-conferences",
                    "Eastborough's conference rooms",
                    "<p>Eastborough holds hybrid conferences in the Civic Centre meeting "
                    "rooms, which have the equipment for people joining online.</p>",
                ),
            ],
            "children-missing-from-home-or-care": [
                (
                    "before",
                    "who-must-be-told",
                    "Eastborough's missing children coordinator",
                    "<p>Tell Eastborough's missing children coordinator about every episode, "
                    "using the shared mailbox listed on the staff intranet.</p>",
                ),
            ],
            "referrals-and-assessment": [
                (
                    "replace",
                    "receiving-a-referral",
                    "Receiving a referral in Eastborough",
                    "<p>All referrals to Eastborough come through the Children's Front Door. "
                    "A qualified social worker reviews each one within one working day and "
                    "records the decision and its reasons.</p>",
                ),
            ],
        },
        "hidden": {
            "children-with-disabilities-short-breaks-and-transition": "Eastborough's "
            "disabled children's service follows its own joint procedures with health, "
            "available from the service manager.",
        },
        "accepted": [("children-missing-from-home-or-care", 2, dt.date(2026, 11, 5))],
        "local_only": {
            "chapter": "assessment-and-planning",
            "title": "Eastborough Children's Front Door: contacting us",
            "summary": "How professionals and the public contact Eastborough's Children's "
            "Front Door, and what happens next.",
            "sections": [
                (
                    "How to contact the Front Door",
                    "<p>Professionals use the online referral form; members of the public can "
                    "telephone. If a child is in immediate danger, call 999.</p>",
                ),
                (
                    "What happens next",
                    "<p>A social worker reviews the contact within one working day and tells "
                    "the referrer what has been decided.</p>",
                ),
            ],
        },
    },
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


def _publish(page: Procedure, when: dt.datetime) -> None:
    revision = page.save_revision(log_action=False)
    with receivers_paused():
        revision.publish(log_action=False, skip_permission_checks=True)
    page.refresh_from_db()
    publish_procedure_version(procedure=page, revision=revision, published_at=when)


def _derived(manual: Manual, national_slug: str) -> Procedure | None:
    return Procedure.objects.descendant_of(manual).filter(derived_from__slug=national_slug).first()


def _add_local_content(organisation: Organisation, manual: Manual, spec: dict, log) -> None:
    when = _at(LOCAL_CONTENT_ON)
    for slug, amendments in spec["amendments"].items():
        page = _derived(manual, slug)
        blocks = [
            {
                "type": "amendment",
                "id": str(uuid.uuid5(AMENDMENT_NAMESPACE, f"{organisation.slug}/{slug}/{n}")),
                "value": {
                    "position": position,
                    "section": section_id(slug, key) if key else "",
                    "heading": heading,
                    "content": content,
                },
            }
            for n, (position, key, heading, content) in enumerate(amendments)
        ]
        page.local_amendments = blocks
        page.amendment_note = f"Added {organisation.name}'s local arrangements."
        page.significance = "significant"
        _publish(page, when)
    for slug, reason in spec["hidden"].items():
        page = _derived(manual, slug)
        page.hidden_locally = True
        page.hidden_reason = reason
        page.amendment_note = f"Hidden: not used in {organisation.name}."
        page.significance = "minor"
        _publish(page, when)
    local = spec["local_only"]
    chapter = Chapter.objects.child_of(manual).get(derived_from__slug=local["chapter"])
    page = Procedure(
        title=local["title"],
        slug=slugify(local["title"]),
        summary=local["summary"],
        body=body_from_sections(
            f"{organisation.slug}-{slugify(local['title'])}",
            [
                {"key": slugify(heading), "heading": heading, "body": content}
                for heading, content in local["sections"]
            ],
        ),
        audience=["childrens-social-work"],
        owner_role="Head of Service",
        amendment_note="First published.",
        live=False,
    )
    chapter.add_child(instance=page)
    _publish(page, when)
    log(f"Added local content to {manual.title} ({organisation.name})")


def _replay_national_changes(base: Manual, spec_by_org: dict, log) -> None:
    """Pass on, in date order, every national version published after the subscriptions."""
    versions = list(
        ProcedureVersion.objects.filter(
            procedure__in=Procedure.objects.descendant_of(base),
            published_at__gt=_at(SUBSCRIBED_ON),
        )
        .select_related("procedure")
        .order_by("published_at", "pk")
    )
    acceptances = [
        (organisation_slug, slug, number, day)
        for organisation_slug, spec in spec_by_org.items()
        for slug, number, day in spec.get("accepted", [])
    ]
    for version in versions:
        propagate_national_version(national_version_id=version.pk, at=version.published_at)
        for organisation_slug, slug, number, day in acceptances:
            if slug == version.procedure.slug and number == version.number:
                _accept(organisation_slug, slug, version, _at(day))
    log(f"Passed on {len(versions)} national versions to the subscribing manuals")


def _accept(organisation_slug: str, slug: str, version: ProcedureVersion, when) -> None:
    organisation = Organisation.objects.get(slug=organisation_slug)
    manual = Manual.objects.child_of(organisation.home_page).get(slug=MANUAL["slug"])
    page = _derived(manual, slug)
    page.accepted_national_version = version
    page.amendment_note = "Accepted the national update after checking our local content."
    page.significance = "significant"
    _publish(page, when)


def load(log) -> None:
    publisher = Organisation.objects.get(slug="national-library")
    base = Manual.objects.child_of(publisher.home_page).get(slug=MANUAL["slug"])
    created = {}
    for slug, spec in ORGANISATIONS.items():
        organisation = Organisation.objects.get(slug=slug)
        manual = Manual.objects.child_of(organisation.home_page).filter(slug=MANUAL["slug"]).first()
        if manual is not None and Subscription.objects.filter(manual=manual).exists():
            continue
        if manual is None:
            manual = Manual(
                title=MANUAL["title"],
                slug=MANUAL["slug"],
                summary=MANUAL["summary"].format(name=organisation.name),
            )
            organisation.home_page.add_child(instance=manual)
            manual.save_revision(log_action=False).publish(log_action=False)
        organisation.national_updates = spec["policy"]
        organisation.save(update_fields=["national_updates"])
        subscribe(manual=manual, base=base, at=_at(SUBSCRIBED_ON))
        log(f"{organisation.name}'s {manual.title} now follows the national base manual")
        _add_local_content(organisation, manual, spec, log)
        created[slug] = spec
    if created:
        _replay_national_changes(base, created, log)
