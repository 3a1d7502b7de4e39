"""Reading manuals: the contexts of the manual, chapter and procedure pages, and the A–Z."""

import functools
import hashlib
import json
from pathlib import Path

from django.core.cache import cache as django_cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from carebook.accounts.selectors import roles_in
from carebook.changes.asat import AsAtError, parse_as_at, version_as_at

from .fields import AUDIENCE_LABELS
from .models import Manual, Procedure, ProcedureVersion
from .rendering import render_cache_key, render_procedure_cached
from .selectors import (
    RenderInputs,
    ancestors_for_request,
    chapters_of,
    glossary_for,
    latest_version,
    listed_procedures,
    manual_for_request,
    manual_of,
    organisation_for_request,
    render_inputs,
    version_text,
)


def breadcrumbs_for(page, *, current: bool = True, ancestors=None) -> list[dict]:
    """Organisation home down to the page; the page itself is the last, unlinked crumb."""
    # Plain Page rows are enough: title and url are Page fields and methods, and no page type
    # changes how its URL is made. (`.specific()` cost a query per page type.)
    if ancestors is None:
        ancestors = page.get_ancestors().filter(depth__gte=3)
    crumbs = [{"text": ancestor.title, "href": ancestor.url} for ancestor in ancestors]
    crumbs.append({"text": page.title, "href": None if current else page.url})
    return crumbs


def _brand(request: HttpRequest, manual: Manual):
    organisation = organisation_for_request(request, manual)
    request.organisation = organisation
    return organisation


def manual_context(*, request: HttpRequest, manual: Manual) -> dict:
    organisation = _brand(request, manual)
    listed = listed_procedures(manual)
    # Group by the chapter's tree path (a procedure's path minus its last step).
    by_chapter: dict[str, list] = {}
    for item in listed:
        by_chapter.setdefault(item.page.path[: -Procedure.steplen], []).append(item)
    chapters = [
        {"page": chapter, "procedures": by_chapter.get(chapter.path, [])}
        for chapter in chapters_of(manual)
    ]
    recent = sorted(
        (item for item in listed if item.tag), key=lambda item: item.tag_date, reverse=True
    )
    return {
        "organisation": organisation,
        "manual": manual,
        "chapters": chapters,
        "recent": recent[:5],
        "breadcrumbs": breadcrumbs_for(manual, ancestors=ancestors_for_request(request, manual)),
    }


def chapter_context(*, request: HttpRequest, chapter) -> dict:
    manual = manual_for_request(request, chapter)
    organisation = _brand(request, manual)
    return {
        "organisation": organisation,
        "manual": manual,
        "procedures": listed_procedures(chapter),
        "breadcrumbs": breadcrumbs_for(chapter, ancestors=ancestors_for_request(request, chapter)),
    }


def _procedure_context(
    request: HttpRequest, procedure: Procedure, version: ProcedureVersion, *, cache: bool = False
) -> dict:
    """Everything procedure.html shows. The main part (`procedure_main`) is the same for every
    reader of a version; with `cache`, it is kept in the cache (see procedure_main)."""
    manual = manual_for_request(request, procedure)
    organisation = _brand(request, manual)
    ancestors = ancestors_for_request(request, procedure)
    inputs = render_inputs(version)
    today = timezone.localdate()
    return {
        "title": inputs.version.title,
        "pending": _pending_for_editors(request, procedure, organisation),
        "page": procedure,
        "self": procedure,
        "organisation": organisation,
        "manual": manual,
        "version": version,
        "procedure_main": _with_audit_evidence(
            procedure_main(
                request,
                procedure=procedure,
                version=version,
                inputs=inputs,
                manual=manual,
                organisation=organisation,
                chapter=ancestors[-1],
                cache=cache,
            ),
            _audit_evidence(request, procedure),
        ),
        "review_overdue": bool(version.review_date and version.review_date < today),
        "breadcrumbs": breadcrumbs_for(procedure, ancestors=ancestors),
    }


# Bump when what procedure_main.html is given changes, so that older entries are not read.
# (A change to the templates themselves changes the key on its own: see templates_fingerprint.)
PROCEDURE_MAIN_CACHE_VERSION = 1
PROCEDURE_MAIN_CACHE_SECONDS = 24 * 60 * 60


@functools.cache
def templates_fingerprint() -> str:
    """A digest of every template this project ships, read once per process.

    Part of the key of cached page parts, so that a release that changes how a page looks
    never serves parts rendered by the templates of the release before it, even from a cache
    shared between processes (no one has to remember to bump a number).
    """
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.glob("*/templates/**/*.html")):
        digest.update(str(path.relative_to(root)).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def procedure_main(
    request: HttpRequest,
    *,
    procedure: Procedure,
    version: ProcedureVersion,
    inputs: RenderInputs,
    manual: Manual,
    organisation,
    chapter,
    cache: bool = False,
) -> str:
    """The main part of a procedure page (title, amendment box, contents, scope, sections,
    governance, related procedures, guidance), as HTML.

    Rendering it is most of a page's server time, and it is the same for every reader of a
    version, so with `cache` it is kept in Django's cache under a key that names everything
    it shows: the version (immutable) through the render cache key (which also covers the
    organisation, the glossary and the local amendments), and the chapter's title, the page's
    address and the related procedures' titles and addresses read on this request. When any
    of them changes the key changes, so a stale part can never be served; nothing relies on
    an entry being deleted. Banners for editors, past review dates, previews and past
    versions stay outside it.
    """
    glossary = glossary_for(manual)
    glossary_href = f"{manual.url}a-z/"
    related = (
        [
            {"title": page.title, "href": page.get_url(request)}
            for page in Page.objects.live()
            .filter(pk__in=version.related_ids, procedure__hidden_locally=False)
            .order_by("title")
        ]
        if version.related_ids
        else []
    )
    national_version = inputs.version if inputs.national and version.national_version_id else None
    context = {
        "chapter_title": chapter.title,
        "page_url": procedure.url,
        "organisation": organisation,
        "version": version,
        "national_version": national_version,
        "related": related,
        "audience_labels": [AUDIENCE_LABELS.get(code, code) for code in version.audience],
    }
    key = None
    if cache and version.pk is not None:
        render_key = render_cache_key(
            version=inputs.version,
            amendments=inputs.amendments,
            organisation=organisation,
            glossary=glossary,
            glossary_href=glossary_href,
            national=inputs.national,
        )
        shown = {
            "render": render_key,
            "version": [version.pk, version.procedure_id, version.number, version.published_at],
            "chapter": context["chapter_title"],
            "page_url": context["page_url"],
            "organisation": organisation.name,
            "related": related,
            "audience": context["audience_labels"],
        }
        digest = hashlib.sha256(
            json.dumps(shown, sort_keys=True, default=str).encode("utf-8")
        ).hexdigest()
        key = (
            f"carebook:procedure-main:{PROCEDURE_MAIN_CACHE_VERSION}:{templates_fingerprint()}:"
            f"{version.pk}:{digest}"
        )
        html = django_cache.get(key)
        if html is not None:
            return html
    context["rendered"] = render_procedure_cached(
        version=inputs.version,
        amendments=inputs.amendments,
        organisation=organisation,
        glossary=glossary,
        glossary_href=glossary_href,
        national=inputs.national,
    )
    html = render_to_string("manuals/includes/procedure_main.html", context)
    if key is not None:
        django_cache.set(key, html, PROCEDURE_MAIN_CACHE_SECONDS)
    return html


EDITING_ROLES = {"editor", "approver", "orgadmin"}


# Where the user's own block goes in the cached main part (the part is the same for everyone).
AUDIT_EVIDENCE_SLOT = "<!-- carebook:audit-evidence -->"


def _with_audit_evidence(main_html: str, links: list[dict]) -> SafeString:
    block = (
        render_to_string("manuals/includes/audit_evidence.html", {"audit_evidence": links})
        if links
        else ""
    )
    return mark_safe(main_html.replace(AUDIT_EVIDENCE_SLOT, block, 1))  # noqa: S308


def _audit_evidence(request: HttpRequest, procedure: Procedure) -> list[dict]:
    """Self-audit items that cite this procedure as evidence, as this user may see them (one
    query; none for anonymous users). Outside the cached render: it depends on the user."""
    if not request.user.is_authenticated or not procedure.pk:
        return []
    from carebook.audits.selectors_reports import procedure_evidence_for

    return procedure_evidence_for(user=request.user, procedure_id=procedure.pk)


def _pending_for_editors(request: HttpRequest, procedure: Procedure, organisation):
    """A national change waiting for review, shown on the page to the organisation's editors."""
    user = request.user
    if not procedure.derived_from_id or not user.is_authenticated:
        return None
    if not user.is_superuser and not roles_in(user=user, organisation=organisation) & EDITING_ROLES:
        return None
    from carebook.adaptation.selectors import pending_change

    return pending_change(procedure)


def _hidden_page(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    organisation = _brand(request, manual_of(procedure))
    reason = procedure.hidden_reason.strip()
    message = f"{organisation.name} does not use the national procedure “{procedure.title}”." + (
        f" The reason given: {reason}" if reason else ""
    )
    return render(
        request,
        "manuals/as_at_error.html",
        {
            "page": procedure,
            "message": message,
            "status": 404,
            "breadcrumbs": breadcrumbs_for(procedure, current=False),
        },
        status=404,
    )


def procedure_page(request: HttpRequest, *, procedure: Procedure) -> HttpResponse:
    as_at_value = request.GET.get("as_at")
    if as_at_value is not None:
        try:
            day = parse_as_at(as_at_value)
            version = version_as_at(procedure, day)
        except AsAtError as error:
            _brand(request, manual_of(procedure))
            return render(
                request,
                "manuals/as_at_error.html",
                {
                    "page": procedure,
                    "message": error.message,
                    "status": error.status,
                    "breadcrumbs": breadcrumbs_for(procedure, current=False),
                },
                status=error.status,
            )
        context = _procedure_context(request, procedure, version)
        current = latest_version(procedure)
        context.update(as_at=day, is_current=current is not None and current.pk == version.pk)
        response = render(request, "manuals/procedure.html", context)
        response["X-Robots-Tag"] = "noindex"
        return response
    withdrawal = None if procedure.live else procedure.current_withdrawal
    if withdrawal is not None:
        _brand(request, manual_of(procedure))
        message = (
            f"“{procedure.title}” was withdrawn on "
            f"{date_format(timezone.localtime(withdrawal.withdrawn_at), 'j F Y')} and should no "
            "longer be followed. Its history is kept for case reviews."
        )
        return render(
            request,
            "manuals/as_at_error.html",
            {
                "page": procedure,
                "message": message,
                "status": 404,
                "withdrawn": True,
                "breadcrumbs": breadcrumbs_for(procedure, current=False),
            },
            status=404,
        )
    if procedure.hidden_locally:
        return _hidden_page(request, procedure)
    version = latest_version(procedure)
    if version is None:
        raise Http404("This procedure has not been published yet.")
    return render(
        request,
        "manuals/procedure.html",
        _procedure_context(request, procedure, version, cache=True),
    )


def procedure_preview(request: HttpRequest, *, procedure: Procedure) -> HttpResponse:
    """The admin preview: the draft rendered exactly as it would be published."""
    from .services import version_from_page

    version = version_from_page(procedure)
    last = latest_version(procedure) if procedure.pk else None
    version.number = (last.number + 1) if last else 1
    version.published_at = timezone.now()
    context = _procedure_context(request, procedure, version)
    context["is_preview"] = True
    return render(request, "manuals/procedure.html", context)


def a_to_z(request: HttpRequest, *, manual: Manual) -> HttpResponse:
    """Keywords and glossary terms of a manual, each with the procedures that use them."""
    organisation = _brand(request, manual)
    procedures = (
        Procedure.objects.live()
        .descendant_of(manual)
        .filter(hidden_locally=False)
        .order_by("title")
    )
    latest: dict[int, ProcedureVersion] = {}
    versions = ProcedureVersion.objects.filter(procedure__in=procedures).select_related(
        "national_version"
    )
    for version in versions.order_by("number"):
        latest[version.procedure_id] = version
    pages = {p.pk: p for p in procedures}
    entries: dict[str, dict] = {}
    for procedure_id, version in latest.items():
        for keyword in version.keywords:
            entry = entries.setdefault(
                keyword.lower(),
                {"label": keyword, "definition": None, "anchor": None, "procedures": []},
            )
            entry["procedures"].append(pages[procedure_id])
    texts = {pid: f"{v.title}\n{version_text(v)}".lower() for pid, v in latest.items()}
    for term in glossary_for(manual):
        entry = entries.setdefault(term.term.lower(), {"label": term.term, "procedures": []})
        entry.update(
            definition=term.definition, anchor=term.anchor, abbreviations=term.abbreviations
        )
        needles = [term.term.lower(), *(a.lower() for a in term.abbreviations)]
        for pid, text in texts.items():
            if any(needle in text for needle in needles) and pages[pid] not in entry["procedures"]:
                entry["procedures"].append(pages[pid])
    letters: dict[str, list] = {}
    for key in sorted(entries):
        entry = entries[key]
        entry["procedures"] = sorted(set(entry["procedures"]), key=lambda p: p.title)
        letter = key[0].upper() if key[0].isalpha() else "0-9"
        letters.setdefault(letter, []).append(entry)
    return render(
        request,
        "manuals/a_to_z.html",
        {
            "page": manual,
            "manual": manual,
            "organisation": organisation,
            "letters": sorted(letters.items()),
            "breadcrumbs": breadcrumbs_for(manual, current=False) + [{"text": "A to Z"}],
        },
    )
