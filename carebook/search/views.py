"""Search pages: one manual, or all the manuals of an organisation that the reader may open."""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from carebook.manuals.fields import AUDIENCES
from carebook.manuals.models import Manual
from carebook.manuals.selectors import can_read_manual, chapters_of, glossary_for, readable_manuals
from carebook.organisations.models import Organisation

from .selectors import search

PER_PAGE = 20
MAX_QUERY_LENGTH = 10_000


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _synonyms(manuals) -> list[list[str]]:
    groups = []
    for manual in manuals:
        for entry in glossary_for(manual):
            if entry.abbreviations:
                groups.append([entry.term, *entry.abbreviations])
    return groups


def _results_page(request, *, organisation, manuals, manual=None) -> HttpResponse:
    request.organisation = organisation
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    audience_codes = {code for code, _ in AUDIENCES}
    audience = request.GET.get("audience") or None
    if audience not in audience_codes:
        audience = None
    chapters = chapters_of(manual) if manual else []
    chapter_id = _int(request.GET.get("chapter"), None)
    if chapter_id not in {chapter.pk for chapter in chapters}:
        chapter_id = None
    page_number = max(1, _int(request.GET.get("page"), 1) or 1)
    results = search(
        query=query,
        organisation_id=organisation.pk,
        manual_ids=[m.pk for m in manuals],
        chapter_id=chapter_id,
        audience=audience,
        page=page_number,
        per_page=PER_PAGE,
        synonyms=_synonyms(manuals),
    )
    manual_titles = {m.pk: m.title for m in manuals}
    last_page = max(1, -(-results.total // PER_PAGE))
    base = {
        k: v
        for k, v in (("q", query), ("chapter", chapter_id or ""), ("audience", audience or ""))
        if v
    }

    def page_url(number: int) -> str:
        return "?" + urlencode({**base, "page": number})

    pages = [
        {"number": n, "href": page_url(n), "current": n == page_number}
        for n in range(max(1, page_number - 2), min(last_page, page_number + 2) + 1)
    ]
    crumbs = [{"text": organisation.name, "href": organisation.home_page.url}]
    if manual:
        crumbs.append({"text": manual.title, "href": manual.url})
    crumbs.append({"text": "Search"})
    return render(
        request,
        "search/results.html",
        {
            "organisation": organisation,
            "manual": manual,
            "query": query,
            "results": results,
            "hits": [(hit, manual_titles.get(hit.manual_id, "")) for hit in results.hits],
            "chapters": chapters,
            "chapter_id": chapter_id,
            "audiences": AUDIENCES,
            "audience": audience,
            "pages": pages if last_page > 1 else [],
            "previous_url": page_url(page_number - 1) if page_number > 1 else None,
            "next_url": page_url(page_number + 1) if page_number < last_page else None,
            "first_shown": (page_number - 1) * PER_PAGE + 1,
            "last_shown": min(results.total, page_number * PER_PAGE),
            "breadcrumbs": crumbs,
            "action": request.path,
        },
    )


@require_safe
def organisation_search(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=org_slug, home_page__live=True)
    manuals = list(readable_manuals(user=request.user, organisation=organisation))
    return _results_page(request, organisation=organisation, manuals=manuals)


@require_safe
def manual_search(request: HttpRequest, org_slug: str, manual_slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=org_slug, home_page__live=True)
    manual = Manual.objects.live().child_of(organisation.home_page).filter(slug=manual_slug).first()
    if manual is None:
        raise Http404("No such manual.")
    if not can_read_manual(user=request.user, manual=manual):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("No such manual.")
    return _results_page(request, organisation=organisation, manuals=[manual], manual=manual)
