"""Writes for national and local content: subscribing, local publishing and propagation.

Every write that moves a pin happens here, in one transaction per local procedure, so that an
interrupted propagation can simply be run again: a procedure already at (or past) a national
version is left alone, and no change note is written twice.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carebook.changes.models import ChangeKind
from carebook.changes.services import record_change
from carebook.manuals.indexing import index_procedure, unindex_procedure
from carebook.manuals.models import (
    Chapter,
    Manual,
    Procedure,
    ProcedureVersion,
    ProcedureWithdrawal,
    Significance,
)
from carebook.manuals.rendering import clean_html, html_to_text
from carebook.manuals.selectors import manual_of, organisation_of
from carebook.organisations.models import NationalUpdates, Organisation, OrganisationHomePage

from .models import Pin, PinReason, Subscription
from .selectors import amendments_with_flags, is_base_manual

# ---------------------------------------------------------------------------------------------
# Subscribing


@transaction.atomic
def subscribe(
    *,
    manual: Manual,
    base: Manual,
    chapters: list[Chapter] | None = None,
    user=None,
    at: dt.datetime | None = None,
) -> Subscription:
    """Make `manual` follow the base manual `base`, whole (chapters None) or by chapters.

    Creates a derived chapter for each national chapter followed and a derived procedure for
    each published national procedure in them, pinned to the national version live at `at`
    (now by default). No national text is copied.
    """
    at = at or timezone.now()
    if manual.pk == base.pk:
        raise ValidationError("A manual cannot follow itself. Choose a publisher's base manual.")
    existing = Subscription.objects.filter(manual=manual).select_related("base").first()
    if existing is not None:
        raise ValidationError(
            f"“{manual.title}” already follows “{existing.base.title}”. A manual can follow "
            "only one base manual."
        )
    if not is_base_manual(base):
        raise ValidationError(
            f"“{base.title}” is not a base manual. Only a publisher's own manuals can be followed."
        )
    if organisation_of(manual).pk == organisation_of(base).pk:
        raise ValidationError("A publisher's manual cannot follow another of its own manuals.")
    national_chapters = list(Chapter.objects.live().child_of(base).order_by("path"))
    if chapters is not None:
        wanted = {chapter.pk for chapter in chapters}
        unknown = wanted - {chapter.pk for chapter in national_chapters}
        if unknown:
            raise ValidationError(f"Choose chapters of “{base.title}” only.")
        if not wanted:
            raise ValidationError("Choose at least one chapter, or follow the whole manual.")
        national_chapters = [chapter for chapter in national_chapters if chapter.pk in wanted]
    subscription = Subscription.objects.create(
        manual=manual, base=base, whole_manual=chapters is None, created_by=user, created_at=at
    )
    if chapters is not None:
        subscription.chapters.set(national_chapters)
    organisation = organisation_of(manual)
    for national_chapter in national_chapters:
        local_chapter = _local_chapter(manual, national_chapter)
        for national in Procedure.objects.live().child_of(national_chapter).order_by("path"):
            version = _version_live_at(national, at)
            if version is not None:
                _derive_procedure(
                    local_chapter=local_chapter,
                    national=national,
                    national_version=version,
                    organisation=organisation,
                    live=True,
                    reason=PinReason.SUBSCRIBED,
                    at=at,
                )
    return subscription


def _version_live_at(national: Procedure, at: dt.datetime) -> ProcedureVersion | None:
    return national.versions.filter(published_at__lte=at).order_by("-number").first()


def _local_chapter(manual: Manual, national_chapter: Chapter) -> Chapter:
    chapter = Chapter.objects.child_of(manual).filter(derived_from=national_chapter).first()
    if chapter is not None:
        return chapter
    chapter = Chapter(
        title=national_chapter.title,
        slug=_free_slug(manual, national_chapter.slug),
        summary=national_chapter.summary,
        derived_from=national_chapter,
    )
    manual.add_child(instance=chapter)
    chapter.save_revision(log_action=False).publish(log_action=False)
    return chapter


def _free_slug(parent, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, count = slug, 1
    while candidate in taken:
        count += 1
        candidate = f"{slug}-{count}"
    return candidate


def _derive_procedure(
    *,
    local_chapter: Chapter,
    national: Procedure,
    national_version: ProcedureVersion,
    organisation,
    live: bool,
    reason: str,
    at: dt.datetime,
) -> Procedure:
    page = Procedure(
        title=national_version.title,
        slug=_free_slug(local_chapter, national.slug),
        summary=national_version.summary,
        audience=list(national_version.audience),
        derived_from=national,
        live=False,
        amendment_note="",
    )
    local_chapter.add_child(instance=page)
    if not live:
        # Offered to a review-first organisation: a draft that publishes through its workflow.
        page.accepted_national_version = national_version
        page.save(update_fields=["accepted_national_version"])
        page.save_revision(log_action=False)
        return page
    revision = page.save_revision(log_action=False)
    Procedure.objects.filter(pk=page.pk).update(
        live=True,
        has_unpublished_changes=False,
        live_revision=revision,
        first_published_at=at,
        last_published_at=at,
    )
    page.refresh_from_db()
    version = _write_local_version(
        procedure=page,
        national=national_version,
        amendments=[],
        note="Added from the national base manual.",
        significance=Significance.SIGNIFICANT,
        at=at,
    )
    Pin.objects.create(
        procedure=page,
        national_version=national_version,
        live_from=at,
        reason=reason,
        local_version=version,
    )
    _reindex(page, version, organisation)
    return page


# ---------------------------------------------------------------------------------------------
# Local versions


def _related_local_ids(
    procedure: Procedure, national: ProcedureVersion, manual: Manual | None = None
) -> list[int]:
    """The national version's related procedures, as this manual's own derived pages."""
    if not national.related_ids:
        return []
    manual = manual or manual_of(procedure)
    mapping = dict(
        Procedure.objects.descendant_of(manual)
        .filter(derived_from_id__in=national.related_ids)
        .values_list("derived_from_id", "pk")
    )
    return [mapping[pk] for pk in national.related_ids if pk in mapping]


def _write_local_version(
    *,
    procedure: Procedure,
    national: ProcedureVersion,
    amendments: list[dict],
    note: str,
    significance: str,
    at: dt.datetime,
    user=None,
    revision=None,
    number: int | None = None,
    manual: Manual | None = None,
) -> ProcedureVersion:
    """The next version of a derived procedure: a pin and local amendments, no national text.

    `number` is given by a caller that has already locked and read the last version.
    """
    if number is None:
        last = _last_version_locked(procedure)
        number = last.number + 1 if last else 1
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        title=national.title,
        summary=national.summary,
        sections=[],
        scope_html="",
        keywords=list(national.keywords),
        audience=list(national.audience),
        legislation=list(national.legislation),
        related_ids=_related_local_ids(procedure, national, manual),
        owner=national.owner,
        review_date=national.review_date,
        requires_acknowledgement=national.requires_acknowledgement,
        amendment_note=note,
        significance=significance,
        published_at=at,
        published_by=user,
        revision=revision,
        national_version=national,
        local_amendments=amendments,
        amendment_flags=amendments_with_flags(amendments, national),
    )
    if procedure.title != national.title:
        # The page title is what menus and breadcrumbs show; it follows the pinned version.
        Procedure.objects.filter(pk=procedure.pk).update(title=national.title)
        procedure.title = national.title
    return version


def _last_version_locked(procedure: Procedure) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=procedure)
        .order_by("-number")
        .first()
    )


def amendments_from_page(procedure: Procedure, organisation, confirmed_version_id: int) -> list:
    """The page's local amendment blocks as stored in a version (confirmed against a pin)."""
    amendments = []
    for block in procedure.local_amendments:
        if block.block_type != "amendment":
            continue
        fragment = clean_html(block.value["content"].source)
        position = block.value["position"]
        amendments.append(
            {
                "id": str(block.id),
                "position": position,
                "anchor_section_id": "" if position == "end" else block.value["section"] or "",
                "heading": block.value["heading"] or "",
                "html": fragment,
                "text": html_to_text(fragment),
                "organisation_slug": organisation.slug,
                "organisation_name": organisation.name,
                "confirmed_version_id": confirmed_version_id,
            }
        )
    return amendments


def validate_anchors(amendments: list[dict], national: ProcedureVersion) -> list[str]:
    """Messages for amendments attached to sections that are not in `national`."""
    headings = {section["id"]: section["heading"] for section in national.sections}
    errors = []
    for number, amendment in enumerate(amendments, start=1):
        if amendment["position"] == "end":
            continue
        anchor = amendment.get("anchor_section_id") or ""
        if not anchor:
            errors.append(
                f"Local content {number}: choose the national section it goes with, or place "
                "it at the end of the procedure."
            )
        elif anchor not in headings:
            errors.append(
                f"Local content {number} is attached to a section that is not in national "
                f"version {national.number} of this procedure. Choose one of its sections, or "
                "place it at the end."
            )
    return errors


@transaction.atomic
def publish_local_version(
    *, procedure: Procedure, user=None, revision=None, published_at: dt.datetime | None = None
) -> ProcedureVersion:
    """A derived procedure was published through its organisation's workflow.

    Writes its next version with the page's local amendments. If the published draft accepted
    a newer national version, the pin moves to it (never backwards) and a "national update"
    change note is written.
    """
    at = published_at or timezone.now()
    manual = manual_of(procedure)
    organisation = organisation_of(manual)
    pin = (
        Pin.objects.select_for_update()
        .filter(procedure=procedure, live_until__isnull=True)
        .select_related("national_version")
        .first()
    )
    target = pin.national_version if pin else None
    accepted = procedure.accepted_national_version
    advanced = False
    skipped_from = None
    if (
        accepted is not None
        and accepted.procedure_id == procedure.derived_from_id
        and (target is None or accepted.number > target.number)
    ):
        skipped_from = target
        target = accepted
        advanced = True
    if target is None:
        raise ValidationError(f"“{procedure.title}” has no national version to show.")
    amendments = amendments_from_page(procedure, organisation, confirmed_version_id=target.pk)
    last = procedure.versions.order_by("-number").first()
    note = (procedure.amendment_note or "").strip()
    significance = procedure.significance or Significance.SIGNIFICANT
    if advanced and not note:
        note = f"National update accepted: {accepted.amendment_note}"
    version = _write_local_version(
        procedure=procedure,
        national=target,
        amendments=amendments,
        note=note or "No note was given.",
        significance=significance,
        at=at,
        user=user,
        revision=revision,
    )
    reinstated = ProcedureWithdrawal.objects.filter(
        procedure=procedure, reinstated_at__isnull=True
    ).update(reinstated_at=at)
    if advanced:
        if pin is not None:
            Pin.objects.filter(pk=pin.pk).update(live_until=at)
        Pin.objects.create(
            procedure=procedure,
            national_version=target,
            live_from=at,
            reason=PinReason.ACCEPTED if pin else PinReason.SUBSCRIBED,
            local_version=version,
        )
        notes = _national_notes(procedure.derived_from_id, skipped_from, target)
        record_change(
            organisation=organisation,
            manual=manual,
            procedure=procedure,
            kind=ChangeKind.NEW if pin is None else ChangeKind.NATIONAL_UPDATE,
            amendment_note=notes,
            created_at=at,
            local_version=version,
            national_version=target,
        )
    local_changed = last is None or _local_state(last) != _local_state(version)
    if (significance == Significance.SIGNIFICANT and local_changed and not advanced) or reinstated:
        record_change(
            organisation=organisation,
            manual=manual,
            procedure=procedure,
            kind=ChangeKind.NEW if reinstated else ChangeKind.UPDATED,
            amendment_note=version.amendment_note,
            created_at=at,
            local_version=version,
        )
    Procedure.objects.filter(pk=procedure.pk).update(accepted_national_version=None)
    _reindex(procedure, version, organisation, manual=manual)
    return version


def _local_state(version: ProcedureVersion) -> list[tuple]:
    return [
        (a["position"], a.get("anchor_section_id"), a.get("heading"), a["html"])
        for a in version.local_amendments
    ]


def _national_notes(national_id: int, after: ProcedureVersion | None, upto: ProcedureVersion):
    """The publisher's amendment notes of the significant versions now shown, oldest first."""
    versions = ProcedureVersion.objects.filter(
        procedure_id=national_id,
        number__gt=after.number if after else 0,
        number__lte=upto.number,
    ).order_by("number")
    return _notes_of(versions, upto)


def _notes_of(versions, upto: ProcedureVersion) -> str:
    notes = [v.amendment_note for v in versions if v.is_significant] or [upto.amendment_note]
    return " ".join(notes)


def _reindex(procedure: Procedure, version: ProcedureVersion, organisation, manual=None) -> None:
    manual = manual or manual_of(procedure)
    if (
        procedure.hidden_locally
        or not Procedure.objects.filter(pk=procedure.pk, live=True).exists()
    ):
        unindex_procedure(procedure=procedure, manual=manual)
        return
    index_procedure(procedure=procedure, version=version, manual=manual, organisation=organisation)


# ---------------------------------------------------------------------------------------------
# Propagation of a national publish to every subscriber


@dataclass
class PropagationResult:
    advanced: int = 0
    pending: int = 0
    up_to_date: int = 0
    added: int = 0
    offered: int = 0
    withdrawn: int = 0
    details: list[str] = field(default_factory=list)


@dataclass
class _Lookups:
    """What one propagation run reads once for all its subscribers instead of once for each.

    `places` holds the manual and organisation of each derived procedure (a procedure not in it
    is looked up as usual), read when the run starts; `versions_between` remembers the national
    versions between a pin and the new version, which never change.
    """

    places: dict[int, tuple[Manual, Organisation]] = field(default_factory=dict)
    between: dict[tuple[int, int, int], list[ProcedureVersion]] = field(default_factory=dict)

    def versions_between(self, national_id: int, after: int, upto: int) -> list[ProcedureVersion]:
        key = (national_id, after, upto)
        if key not in self.between:
            self.between[key] = list(
                ProcedureVersion.objects.filter(
                    procedure_id=national_id, number__gt=after, number__lte=upto
                ).order_by("number")
            )
        return self.between[key]


def _places_of(paths: dict[int, str]) -> dict[int, tuple[Manual, Organisation]]:
    """The manual and organisation of each page (by id and tree path), in two queries."""
    steplen = Procedure.steplen

    def ancestors(path: str) -> list[str]:
        return [path[:end] for end in range(steplen, len(path), steplen)]

    wanted = {ancestor for path in paths.values() for ancestor in ancestors(path)}
    manuals = {manual.path: manual for manual in Manual.objects.filter(path__in=wanted)}
    organisations = {
        home.path: home.organisation
        for home in OrganisationHomePage.objects.filter(path__in=wanted).select_related(
            "organisation"
        )
    }
    places = {}
    for pk, path in paths.items():
        # The shallowest manual above the page, as manual_of finds it.
        manual = next((manuals[a] for a in ancestors(path) if a in manuals), None)
        organisation = next((organisations[a] for a in ancestors(path) if a in organisations), None)
        if manual is not None and organisation is not None:
            places[pk] = (manual, organisation)
    return places


def apply_national_version(
    *,
    procedure_id: int,
    national_version: ProcedureVersion,
    at: dt.datetime | None = None,
    lookups: _Lookups | None = None,
) -> str:
    """Bring one derived procedure up to `national_version`, in one transaction.

    Returns "advanced", "pending" (a review-first organisation must accept it) or "up-to-date"
    (already there: running propagation again changes nothing). `lookups` is shared by the
    calls of one propagation run.
    """
    at = at or timezone.now()
    lookups = lookups or _Lookups()
    settled = _settled_without_writing(procedure_id, national_version, lookups)
    if settled is not None:
        return settled
    with transaction.atomic():
        pin = (
            Pin.objects.select_for_update()
            .filter(procedure_id=procedure_id, live_until__isnull=True)
            .select_related("national_version")
            .first()
        )
        if pin is None:
            # An offered procedure not yet published: keep its offer at the newest version.
            Procedure.objects.filter(
                pk=procedure_id,
                live=False,
                accepted_national_version__number__lt=national_version.number,
            ).update(accepted_national_version=national_version)
            return "pending"
        if pin.national_version.number >= national_version.number:
            return "up-to-date"
        procedure = None
        place = lookups.places.get(procedure_id)
        if place is None:
            procedure = Procedure.objects.get(pk=procedure_id)
            manual = manual_of(procedure)
            place = (manual, organisation_of(manual))
        manual, organisation = place
        waiting = lookups.versions_between(
            national_version.procedure_id, pin.national_version.number, national_version.number
        )
        significant = any(v.is_significant for v in waiting)
        if organisation.national_updates == NationalUpdates.AUTOMATIC:
            reason = PinReason.AUTOMATIC
        elif not significant:
            reason = PinReason.MINOR
        else:
            return "pending"
        procedure = procedure or Procedure.objects.get(pk=procedure_id)
        last = _last_version_locked(procedure)
        notes = _notes_of(waiting, national_version)
        version = _write_local_version(
            procedure=procedure,
            national=national_version,
            amendments=list(last.local_amendments) if last else [],
            note=f"National update: {notes}",
            significance=Significance.SIGNIFICANT if significant else Significance.MINOR,
            at=at,
            number=last.number + 1 if last else 1,
            manual=manual,
        )
        Pin.objects.filter(pk=pin.pk).update(live_until=at)
        Pin.objects.create(
            procedure=procedure,
            national_version=national_version,
            live_from=at,
            reason=reason,
            local_version=version,
        )
        if significant and procedure.live and not procedure.hidden_locally:
            record_change(
                organisation=organisation,
                manual=manual,
                procedure=procedure,
                kind=ChangeKind.NATIONAL_UPDATE,
                amendment_note=notes,
                created_at=at,
                local_version=version,
                national_version=national_version,
            )
        _reindex(procedure, version, organisation, manual=manual)
        return "advanced"


def _settled_without_writing(
    procedure_id: int, national_version: ProcedureVersion, lookups: _Lookups
) -> str | None:
    """The outcome "up-to-date" or "pending" when it is already certain, without a transaction.

    Most visits of a run repeated by the scheduler end this way. In a transaction the row lock
    on the pin is itself a write (PostgreSQL then flushes its log at commit, and SQLite takes
    its write lock), so answering them first keeps repeated runs cheap. A pin never moves back,
    so one already at the version stays there; a review-first organisation keeps a significant
    change waiting until an editor accepts it, which the locked path would not change either.
    Anything else (a pin to move, an offer to update) goes through the locked path.
    """
    pin = (
        Pin.objects.filter(procedure_id=procedure_id, live_until__isnull=True)
        .select_related("national_version")
        .first()
    )
    if pin is None:
        return None
    if pin.national_version.number >= national_version.number:
        return "up-to-date"
    place = lookups.places.get(procedure_id)
    if place is None or place[1].national_updates == NationalUpdates.AUTOMATIC:
        return None
    waiting = lookups.versions_between(
        national_version.procedure_id, pin.national_version.number, national_version.number
    )
    return "pending" if any(v.is_significant for v in waiting) else None


def propagate_national_version(
    *, national_version_id: int, at: dt.datetime | None = None
) -> PropagationResult:
    """Visit every subscriber of a just-published national version (the background task).

    Each subscriber is brought up to date in its own transaction; the manuals and
    organisations of all of them (with each organisation's national updates setting) are read
    once, when the run starts.
    """
    national_version = ProcedureVersion.objects.select_related("procedure").get(
        pk=national_version_id
    )
    national = national_version.procedure
    result = PropagationResult()
    paths = dict(Procedure.objects.filter(derived_from=national).values_list("pk", "path"))
    lookups = _Lookups(places=_places_of(paths))
    for procedure_id in paths:
        outcome = apply_national_version(
            procedure_id=procedure_id, national_version=national_version, at=at, lookups=lookups
        )
        if outcome == "advanced":
            result.advanced += 1
        elif outcome == "pending":
            result.pending += 1
        else:
            result.up_to_date += 1
    _offer_to_new_subscribers(national, national_version, at or timezone.now(), result)
    return result


def _offer_to_new_subscribers(national, national_version, at, result) -> None:
    """A national procedure that subscribers following its chapter do not have yet."""
    if not national.live:
        return
    national_chapter = national.get_parent().specific
    base = manual_of(national)
    have = set(Procedure.objects.filter(derived_from=national).values_list("path", flat=True))
    for subscription in Subscription.objects.filter(base=base).select_related("manual"):
        manual = subscription.manual
        if any(path.startswith(manual.path) for path in have):
            continue
        if not subscription.follows_chapter(national_chapter.pk):
            continue
        with transaction.atomic():
            # Locked so that two runs cannot both add it.
            Subscription.objects.select_for_update().get(pk=subscription.pk)
            if Procedure.objects.descendant_of(manual).filter(derived_from=national).exists():
                continue
            organisation = organisation_of(manual)
            automatic = organisation.national_updates == NationalUpdates.AUTOMATIC
            local_chapter = _local_chapter(manual, national_chapter)
            page = _derive_procedure(
                local_chapter=local_chapter,
                national=national,
                national_version=national_version,
                organisation=organisation,
                live=automatic,
                reason=PinReason.AUTOMATIC,
                at=at,
            )
            if automatic:
                record_change(
                    organisation=organisation,
                    manual=manual,
                    procedure=page,
                    kind=ChangeKind.NEW,
                    amendment_note=_new_procedure_note(national_version),
                    created_at=at,
                    local_version=page.versions.order_by("-number").first(),
                    national_version=national_version,
                )
                result.added += 1
            else:
                result.offered += 1


def _new_procedure_note(national_version: ProcedureVersion) -> str:
    from carebook.manuals.services import FIRST_PUBLICATION_NOTE

    note = "A new national procedure, added to this manual."
    if national_version.amendment_note != FIRST_PUBLICATION_NOTE:
        note += f" {national_version.amendment_note}"
    return note


def propagate_withdrawal(*, national_procedure_id: int, at: dt.datetime | None = None) -> int:
    """Mark every derived copy of a withdrawn national procedure as withdrawn, with a note."""
    from carebook.manuals.services import withdraw_procedure

    at = at or timezone.now()
    count = 0
    for procedure in Procedure.objects.filter(derived_from_id=national_procedure_id):
        with transaction.atomic():
            locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
            if not locked.live:
                continue
            withdrawal = withdraw_procedure(
                procedure=locked,
                withdrawn_at=at,
                note="The publisher has withdrawn this national procedure. It should no longer "
                "be followed.",
            )
            locked.unpublish(log_action=False)
            if withdrawal is not None:
                count += 1
    return count


def catch_up() -> PropagationResult:
    """Apply every national version that has not reached its subscribers yet (safe to repeat).

    Run by the scheduler, so that a propagation interrupted part-way is completed."""
    total = PropagationResult()
    bases = Manual.objects.filter(pk__in=Subscription.objects.values("base_id"))
    for base in bases:
        for national in Procedure.objects.descendant_of(base).order_by("path"):
            latest = national.versions.order_by("-number").first()
            if latest is None:
                continue
            if not national.live:
                if national.withdrawals.filter(reinstated_at__isnull=True).exists():
                    total.withdrawn += propagate_withdrawal(national_procedure_id=national.pk)
                continue
            result = propagate_national_version(national_version_id=latest.pk)
            for name in ("advanced", "pending", "up_to_date", "added", "offered"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
    return total
