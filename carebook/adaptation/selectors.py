"""Reads for national and local content: pins, pending national changes and flagged amendments."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from carebook.changes.redline import SectionChange, redline, word_diff
from carebook.manuals.models import Manual, Procedure, ProcedureVersion, Significance
from carebook.organisations.models import NationalUpdates

from .models import Pin, Subscription

ANCHOR_CHANGED = "anchor-changed"
ANCHOR_VANISHED = "anchor-vanished"


def current_pin(procedure: Procedure) -> Pin | None:
    return (
        Pin.objects.filter(procedure=procedure, live_until__isnull=True)
        .select_related("national_version")
        .first()
    )


def latest_national_version(national: Procedure) -> ProcedureVersion | None:
    return national.versions.order_by("-number").first()


def subscription_of(manual: Manual) -> Subscription | None:
    return Subscription.objects.filter(manual=manual).select_related("base").first()


def is_base_manual(manual: Manual) -> bool:
    """A publisher's manual: the only kind another manual may subscribe to."""
    from carebook.manuals.selectors import organisation_of

    return (
        organisation_of(manual).is_publisher
        and not Subscription.objects.filter(manual=manual).exists()
    )


@dataclass(frozen=True)
class PendingChange:
    """National versions published after the one a review-first procedure is pinned to."""

    procedure: Procedure
    pinned: ProcedureVersion
    latest: ProcedureVersion
    since: dt.datetime  # when the first of the waiting versions was published
    significant: bool

    @property
    def changes(self) -> list[SectionChange]:
        return redline(self.pinned.sections, self.latest.sections)

    @property
    def days_waiting(self) -> int:
        return (timezone.now() - self.since).days


def pending_change(procedure: Procedure, pin: Pin | None = None) -> PendingChange | None:
    """The national change waiting for this derived procedure's editors, if any."""
    if not procedure.derived_from_id:
        return None
    pin = pin or current_pin(procedure)
    if pin is None:
        return None
    newer = list(
        ProcedureVersion.objects.filter(
            procedure_id=procedure.derived_from_id, number__gt=pin.national_version.number
        ).order_by("number")
    )
    if not newer:
        return None
    return PendingChange(
        procedure=procedure,
        pinned=pin.national_version,
        latest=newer[-1],
        since=newer[0].published_at,
        significant=any(v.significance == Significance.SIGNIFICANT for v in newer),
    )


def _sections_by_id(version: ProcedureVersion | None) -> dict[str, dict]:
    return {section["id"]: section for section in (version.sections if version else [])}


def amendments_with_flags(amendments: list[dict], national: ProcedureVersion) -> list[dict]:
    """Local amendments as the render function takes them, each with its flags.

    An amendment whose anchor section is not in `national` is flagged as vanished (the render
    function shows it at the end). One whose anchor section's heading or text differs from the
    national version it was last confirmed against is flagged as changed, with that section's
    redline, until an editor publishes the procedure again.
    """
    if not amendments:
        return []
    current = _sections_by_id(national)
    confirmed_ids = {
        a.get("confirmed_version_id")
        for a in amendments
        if a.get("confirmed_version_id") and a.get("confirmed_version_id") != national.pk
    }
    confirmed = {
        version.pk: _sections_by_id(version)
        for version in ProcedureVersion.objects.filter(pk__in=confirmed_ids)
    }
    flagged = []
    for amendment in amendments:
        item = dict(amendment)
        item["flags"] = []
        item["anchor_redline"] = ""
        anchor = amendment.get("anchor_section_id") or ""
        if amendment.get("position") != "end":
            section = current.get(anchor)
            if section is None:
                item["flags"] = [ANCHOR_VANISHED]
            else:
                before = confirmed.get(amendment.get("confirmed_version_id"), {}).get(anchor)
                if before is not None and (
                    before["text"] != section["text"] or before["heading"] != section["heading"]
                ):
                    item["flags"] = [ANCHOR_CHANGED]
                    item["anchor_redline"] = word_diff(
                        f"{before['heading']}\n{before['text']}",
                        f"{section['heading']}\n{section['text']}",
                    )
        flagged.append(item)
    return flagged


@dataclass(frozen=True)
class FlaggedAmendment:
    procedure: Procedure
    amendment: dict

    @property
    def vanished(self) -> bool:
        return ANCHOR_VANISHED in self.amendment["flags"]


def flagged_amendments(manual: Manual) -> list[FlaggedAmendment]:
    """Every local amendment in `manual` whose national section changed or vanished."""
    procedures = list(
        Procedure.objects.descendant_of(manual).filter(derived_from__isnull=False).order_by("path")
    )
    latest_numbers = (
        ProcedureVersion.objects.filter(procedure__in=procedures)
        .values("procedure_id")
        .annotate(number=Max("number"))
    )
    condition = Q(pk__in=[])
    for row in latest_numbers:
        condition |= Q(procedure_id=row["procedure_id"], number=row["number"])
    versions = {
        version.procedure_id: version
        for version in ProcedureVersion.objects.filter(condition).select_related("national_version")
    }
    flagged = []
    for procedure in procedures:
        version = versions.get(procedure.pk)
        if version is None or version.national_version is None:
            continue
        for amendment in amendments_with_flags(version.local_amendments, version.national_version):
            if amendment["flags"]:
                flagged.append(FlaggedAmendment(procedure=procedure, amendment=amendment))
    return flagged


@dataclass(frozen=True)
class SubscriberSummary:
    subscription: Subscription
    organisation: object
    procedures: int
    behind: int
    oldest_pending: dt.datetime | None

    @property
    def policy_label(self) -> str:
        return NationalUpdates(self.organisation.national_updates).label

    @property
    def days_behind(self) -> int | None:
        if self.oldest_pending is None:
            return None
        return (timezone.now() - self.oldest_pending).days


def subscribers_of(base: Manual) -> list[SubscriberSummary]:
    """Who follows `base`, and how far behind each is on national changes."""
    from carebook.manuals.selectors import organisation_of

    latest = {
        row["procedure_id"]: row["number"]
        for row in ProcedureVersion.objects.filter(
            procedure__in=Procedure.objects.descendant_of(base)
        )
        .values("procedure_id")
        .annotate(number=Max("number"))
    }
    summaries = []
    subscriptions = Subscription.objects.filter(base=base).select_related("manual")
    for subscription in subscriptions:
        pins = Pin.objects.filter(
            procedure__in=Procedure.objects.descendant_of(subscription.manual),
            live_until__isnull=True,
        ).select_related("national_version")
        behind = []
        for pin in pins:
            national_id = pin.national_version.procedure_id
            if latest.get(national_id, 0) > pin.national_version.number:
                behind.append(pin)
        oldest = None
        if behind:
            condition = Q(pk__in=[])
            for pin in behind:
                condition |= Q(
                    procedure_id=pin.national_version.procedure_id,
                    number__gt=pin.national_version.number,
                )
            oldest = ProcedureVersion.objects.filter(condition).aggregate(
                oldest=Min("published_at")
            )["oldest"]
        summaries.append(
            SubscriberSummary(
                subscription=subscription,
                organisation=organisation_of(subscription.manual),
                procedures=pins.count(),
                behind=len(behind),
                oldest_pending=oldest,
            )
        )
    return sorted(summaries, key=lambda s: (-s.behind, s.organisation.name))


def base_manuals_with_subscribers(organisation) -> list[tuple[Manual, int]]:
    manuals = Manual.objects.descendant_of(organisation.home_page).annotate(
        subscriber_count=Count("followers")
    )
    return [(manual, manual.subscriber_count) for manual in manuals.order_by("title")]
