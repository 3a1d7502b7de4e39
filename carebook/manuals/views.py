"""Reading manuals: the contexts of the manual, chapter and procedure pages, and the A–Z."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from carebook.accounts.selectors import roles_in
from carebook.changes.asat import AsAtError, parse_as_at, version_as_at

from .fields import AUDIENCE_LABELS
from .models import Manual, Procedure, ProcedureVersion
from .rendering import render_procedure_cached
from .selectors import (
    chapters_of,
    glossary_for,
    latest_version,
    listed_procedures,
    manual_for_request,
    manual_of,
    organisation_of,
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
    organisation = organisation_of(manual)
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
        "breadcrumbs": breadcrumbs_for(manual),
    }


def chapter_context(*, request: HttpRequest, chapter) -> dict:
    manual = manual_of(chapter)
    organisation = _brand(request, manual)
    return {
        "organisation": organisation,
        "manual": manual,
        "procedures": listed_procedures(chapter),
        "breadcrumbs": breadcrumbs_for(chapter),
    }


def _procedure_context(
    request: HttpRequest, procedure: Procedure, version: ProcedureVersion
) -> dict:
    manual = manual_for_request(request, procedure)
    organisation = _brand(request, manual)
    ancestors = list(procedure.get_ancestors().filter(depth__gte=3))
    inputs = render_inputs(version)
    rendered = render_procedure_cached(
        version=inputs.version,
        amendments=inputs.amendments,
        organisation=organisation,
        glossary=glossary_for(manual),
        glossary_href=f"{manual.url}a-z/",
        national=inputs.national,
    )
    related = list(
        Procedure.objects.live()
        .filter(pk__in=version.related_ids, hidden_locally=False)
        .order_by("title")
    )
    today = timezone.localdate()
    return {
        "audit_evidence": _audit_evidence(request, procedure),
        "pending": _pending_for_editors(request, procedure, organisation),
        "national_version": inputs.version
        if inputs.national and version.national_version_id
        else None,
        "page": procedure,
        "self": procedure,
        "organisation": organisation,
        "manual": manual,
        "chapter": ancestors[-1],
        "rendered": rendered,
        "version": version,
        "related": related,
        "audience_labels": [AUDIENCE_LABELS.get(code, code) for code in version.audience],
        "review_overdue": bool(version.review_date and version.review_date < today),
        "breadcrumbs": breadcrumbs_for(procedure, ancestors=ancestors),
    }


EDITING_ROLES = {"editor", "approver", "orgadmin"}


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
        request, "manuals/procedure.html", _procedure_context(request, procedure, version)
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
