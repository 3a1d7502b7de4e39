"""Reads for manuals, already scoped to what the reader may open."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from carebook.accounts.models import Membership, User
from carebook.organisations.models import Organisation, OrganisationHomePage, PathPages

from .models import Chapter, GlossaryTerm, Manual, Procedure, ProcedureVersion, Significance
from .rendering import GlossaryEntry

# How long a procedure shows "New" or "Updated" after a significant publication.
RECENT_DAYS = 30


def manual_of(page: Page) -> Manual | None:
    specific = page.specific
    if isinstance(specific, Manual):
        return specific
    return Manual.objects.ancestor_of(page).first()


def path_pages_for(request, page: Page) -> PathPages | None:
    """The pages the route read for this request, when `page` is the one it found."""
    found = getattr(request, "path_pages", None)
    if found is None or found.page.pk != page.pk or page.pk is None:
        return None
    return found


def manual_for_request(request, page: Page) -> Manual | None:
    """`manual_of`, from the route's pages or remembered for the request (the access hook and
    the view both need it)."""
    found = path_pages_for(request, page)
    if found is not None:
        return found.of_type(Manual)
    remembered = request.__dict__.setdefault("_carebook_manual_of", {})
    if page.pk not in remembered:
        remembered[page.pk] = manual_of(page)
    return remembered[page.pk]


def ancestors_for_request(request, page: Page) -> list[Page]:
    """The pages above `page` from the organisation's home page down (the breadcrumbs)."""
    found = path_pages_for(request, page)
    if found is not None:
        return [p for p in found.pages[:-1] if p.depth >= 3]
    return list(page.get_ancestors().filter(depth__gte=3))


def organisation_of(manual: Manual) -> Organisation:
    home = OrganisationHomePage.objects.ancestor_of(manual).select_related("organisation").get()
    return home.organisation


def organisation_for_request(request, manual: Manual) -> Organisation:
    """`organisation_of`, from the route's pages when it read the organisation's home page."""
    found = getattr(request, "path_pages", None)
    home = found.of_type(OrganisationHomePage) if found is not None else None
    if home is not None and manual.path.startswith(home.path):
        return home.organisation
    return organisation_of(manual)


def can_read_manual(*, user: User | AnonymousUser, manual: Manual) -> bool:
    if not manual.is_staff_only:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    organisation = organisation_of(manual)
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def readable_manuals(
    *, user: User | AnonymousUser, organisation: Organisation | None = None
) -> QuerySet[Manual]:
    """Live manuals this user may open (public ones, and staff-only ones of their organisations)."""
    manuals = Manual.objects.live()
    if organisation is not None:
        manuals = manuals.descendant_of(organisation.home_page)
    if user.is_authenticated and user.is_superuser:
        return manuals
    condition = Q(visibility="public")
    if user.is_authenticated:
        member_paths = list(
            OrganisationHomePage.objects.filter(organisation__memberships__user=user).values_list(
                "path", flat=True
            )
        )
        for path in member_paths:
            condition |= Q(path__startswith=path)
    return manuals.filter(condition)


def glossary_for(manual: Manual) -> list[GlossaryEntry]:
    """The manual's published glossary; a manual that follows a base manual inherits the base's
    terms (its own term of the same name wins). Terms are written only when a manual is
    published, so the live revisions identify them for the cache."""
    base = base_manual_of(manual)
    manuals = [manual] if base is None else [manual, base]
    stamps = [
        (m.pk, m.live_revision_id, m.last_published_at.timestamp() if m.last_published_at else 0)
        for m in manuals
    ]
    key = "carebook:glossary:" + ":".join("-".join(map(str, stamp)) for stamp in stamps)
    entries = cache.get(key)
    if entries is None:
        entries = _load_glossary(manuals)
        cache.set(key, entries, 60 * 60)
    return entries


def base_manual_of(manual: Manual) -> Manual | None:
    """The base manual `manual` follows, if any. Which base a manual follows never changes, so
    the answer is cached; a manual that follows none costs no query after the first."""
    from carebook.adaptation.models import Subscription

    key = f"carebook:base-of:{manual.pk}"
    base_id = cache.get(key)
    if base_id is None:
        base_id = (
            Subscription.objects.filter(manual=manual).values_list("base_id", flat=True).first()
            or 0
        )
        cache.set(key, base_id, 24 * 60 * 60)
    if not base_id:
        return None
    return Manual.objects.filter(pk=base_id).first()


def _load_glossary(manuals: list[Manual]) -> list[GlossaryEntry]:
    from django.utils.text import slugify

    entries: dict[str, GlossaryEntry] = {}
    for manual in manuals:
        for term in GlossaryTerm.objects.filter(manual=manual).order_by("term"):
            entries.setdefault(
                term.term.lower(),
                GlossaryEntry(
                    term=term.term,
                    abbreviations=tuple(term.abbreviation_list),
                    definition=term.definition,
                    anchor=f"glossary-{slugify(term.term)}",
                ),
            )
    return sorted(entries.values(), key=lambda entry: entry.term.lower())


def version_text(version: ProcedureVersion) -> str:
    """Plain text of what readers saw in `version` (a derived one: national and local text)."""
    if version.national_version_id is None:
        return version.text
    local = "\n\n".join(a.get("text", "") for a in version.local_amendments)
    return f"{version.national_version.text}\n\n{local}"


@dataclass(frozen=True)
class RenderInputs:
    """What the render function takes for one version of a procedure."""

    version: ProcedureVersion  # whose sections are shown
    amendments: list[dict]
    national: bool | None


def render_inputs(version: ProcedureVersion) -> RenderInputs:
    """A plain version renders itself; a derived procedure's version renders the national
    version it was pinned to, merged with its local amendments (flagged where the national
    section they are attached to has changed or gone)."""
    if version.national_version_id is None:
        return RenderInputs(version=version, amendments=[], national=None)
    return RenderInputs(
        version=version.national_version,
        amendments=_flagged_amendments(version),
        national=True,
    )


# Bump when the flags or redlines of local amendments are worked out differently.
AMENDMENT_FLAGS_CACHE_VERSION = 1
AMENDMENT_FLAGS_CACHE_SECONDS = 24 * 60 * 60


def _flagged_amendments(version: ProcedureVersion) -> list[dict]:
    """The local amendments of a derived version, with their flags and redlines.

    They depend only on versions, which never change (the derived version, the national version
    it is pinned to and the ones its amendments were confirmed against), so they are worked out
    once, when the version is written, and stored with it: otherwise every view of a derived
    page would pay a query and a word diff of each changed national section. A version written
    before they were stored has them worked out on first reading and cached.
    """
    from carebook.adaptation.selectors import amendments_with_flags

    if not version.local_amendments:
        return []
    if version.amendment_flags is not None:
        return version.amendment_flags
    if version.pk is None:
        return amendments_with_flags(version.local_amendments, version.national_version)
    # Not the id alone: a database that rolls back can hand the same id to another version.
    published = version.published_at.timestamp() if version.published_at else 0
    key = (
        f"carebook:amendment-flags:{AMENDMENT_FLAGS_CACHE_VERSION}:{version.pk}:"
        f"{version.procedure_id}:{version.number}:{published}:{version.national_version_id}"
    )
    flagged = cache.get(key)
    if flagged is None:
        flagged = amendments_with_flags(version.local_amendments, version.national_version)
        cache.set(key, flagged, AMENDMENT_FLAGS_CACHE_SECONDS)
    return flagged


def effective_sections(version: ProcedureVersion, organisation) -> list[dict]:
    """The sections a reader saw in `version`, as redlines compare them: a plain version's
    own, or a derived one's national sections merged with its local content."""
    if version.national_version_id is None:
        return version.sections
    from .rendering import render_procedure

    inputs = render_inputs(version)
    rendered = render_procedure(
        version=inputs.version,
        amendments=inputs.amendments,
        organisation=organisation,
        national=True,
    )
    return [
        {
            "id": section.section_id or section.anchor,
            "heading": section.heading or f"{section.organisation_name} local content",
            "text": section.text,
        }
        for section in rendered.sections
    ]


def latest_version(procedure: Procedure) -> ProcedureVersion | None:
    # With the national version a derived one is pinned to, which is what it renders.
    return procedure.versions.select_related("national_version").order_by("-number").first()


@dataclass(frozen=True)
class ListedProcedure:
    page: Procedure
    first_published: dt.datetime | None
    last_significant: dt.datetime | None
    now: dt.datetime

    @property
    def tag(self) -> str | None:
        """ "New" or "Updated" for a recent significant change, else nothing."""
        recent = self.now - dt.timedelta(days=RECENT_DAYS)
        if self.first_published and self.first_published >= recent:
            return "New"
        if self.last_significant and self.last_significant >= recent:
            return "Updated"
        return None

    @property
    def tag_date(self) -> dt.datetime | None:
        return self.first_published if self.tag == "New" else self.last_significant


def listed_procedures(parent: Page) -> list[ListedProcedure]:
    """Live procedures under a manual or chapter, in tree order, with their New/Updated dates."""
    procedures = list(
        Procedure.objects.live().descendant_of(parent).filter(hidden_locally=False).order_by("path")
    )
    dates = {
        row["procedure_id"]: row
        for row in ProcedureVersion.objects.filter(procedure__in=procedures)
        .values("procedure_id")
        .annotate(
            first=Min("published_at"),
            significant=Max("published_at", filter=Q(significance=Significance.SIGNIFICANT)),
        )
    }
    now = timezone.now()
    return [
        ListedProcedure(
            page=p,
            first_published=dates.get(p.pk, {}).get("first"),
            last_significant=dates.get(p.pk, {}).get("significant"),
            now=now,
        )
        for p in procedures
    ]


def chapters_of(manual: Manual) -> list[Chapter]:
    return list(Chapter.objects.live().child_of(manual).order_by("path"))
