"""What's new, the Atom feed and a procedure's history with redlines."""

from itertools import groupby

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe
from wagtail.models import Site

from carebook.manuals.selectors import organisation_of
from carebook.manuals.views import breadcrumbs_for

from .models import ChangeKind
from .redline import redline
from .selectors import change_notes_for_manual

FEED_LENGTH = 50


WHATS_NEW_FILTERS = {
    "national": ("National updates", {ChangeKind.NATIONAL_UPDATE}),
    "local": ("Local changes", {ChangeKind.NEW, ChangeKind.UPDATED, ChangeKind.WITHDRAWN}),
}


def whats_new(request: HttpRequest, *, manual) -> HttpResponse:
    """Change notes by month. In a manual that follows a national base, national updates and
    the organisation's own changes are told apart, and each can be shown on its own."""
    from carebook.manuals.selectors import base_manual_of

    request.organisation = organisation_of(manual)
    follows = base_manual_of(manual) is not None
    show = request.GET.get("show", "")
    notes_query = change_notes_for_manual(manual=manual)
    if follows and show in WHATS_NEW_FILTERS:
        notes_query = notes_query.filter(kind__in=WHATS_NEW_FILTERS[show][1])
    else:
        show = ""
    notes = list(notes_query[:500])
    months = [
        (month, list(items))
        for month, items in groupby(
            notes, key=lambda note: timezone.localtime(note.created_at).strftime("%B %Y")
        )
    ]
    return render(
        request,
        "changes/whats_new.html",
        {
            "page": manual,
            "manual": manual,
            "months": months,
            "organisation": request.organisation,
            "follows": follows,
            "show": show,
            "filters": [("", "All changes")]
            + [(key, label) for key, (label, _) in WHATS_NEW_FILTERS.items()],
            "breadcrumbs": breadcrumbs_for(manual, current=False) + [{"text": "What's new"}],
        },
    )


@require_safe
def feed_at_path(request: HttpRequest, path: str) -> HttpResponse:
    """/<org>/<manual>/feed.atom. Wagtail only routes slug paths, so the feed has its own URL
    and finds its manual through the same page routing, with the same access rules."""
    from carebook.manuals.models import Manual
    from carebook.manuals.selectors import can_read_manual

    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No such manual.")
    try:
        result = site.root_page.specific.route(request, [part for part in path.split("/") if part])
    except Http404:
        raise Http404("No such manual.") from None
    manual = result.page.specific
    if not isinstance(manual, Manual):
        raise Http404("No such manual.")
    if not can_read_manual(user=request.user, manual=manual):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("No such manual.")
    return atom_feed(request, manual=manual)


def atom_feed(request: HttpRequest, *, manual) -> HttpResponse:
    organisation = organisation_of(manual)
    manual_url = request.build_absolute_uri(manual.url)
    feed = Atom1Feed(
        title=f"{manual.title} — {organisation.name}: what's new",
        link=manual_url,
        description=f"Changes to {manual.title}",
        feed_url=request.build_absolute_uri(),
        language="en-gb",
        feed_guid=f"{manual_url}feed.atom",
    )
    for note in change_notes_for_manual(manual=manual)[:FEED_LENGTH]:
        link = request.build_absolute_uri(note.procedure.url or manual.url)
        feed.add_item(
            title=f"{note.get_kind_display()}: {note.procedure_title}",
            link=link,
            description=note.amendment_note,
            unique_id=f"{manual_url}whats-new/#change-{note.pk}",
            pubdate=note.created_at,
            updateddate=note.created_at,
            author_name=organisation.name,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _bad_history_request(request, procedure, message):
    return render(
        request,
        "400.html",
        {"message": message, "breadcrumbs": breadcrumbs_for(procedure, current=False)},
        status=400,
    )


def procedure_history(request: HttpRequest, *, procedure) -> HttpResponse:
    from carebook.manuals.selectors import effective_sections, manual_of

    manual = manual_of(procedure)
    organisation = request.organisation = organisation_of(manual)
    versions = list(procedure.versions.select_related("national_version").order_by("-number"))
    context = {
        "organisation": organisation,
        "page": procedure,
        "manual": manual,
        "versions": versions,
        "breadcrumbs": breadcrumbs_for(procedure, current=False) + [{"text": "History"}],
    }
    if "from" in request.GET or "to" in request.GET:
        by_number = {version.number: version for version in versions}
        try:
            old_number, new_number = (
                int(request.GET.get("from", "")),
                int(request.GET.get("to", "")),
            )
        except ValueError:
            return _bad_history_request(
                request,
                procedure,
                "Choose two versions to compare: ?from= and ?to= must be version numbers.",
            )
        missing = [n for n in (old_number, new_number) if n not in by_number]
        if missing:
            return _bad_history_request(
                request,
                procedure,
                f"This procedure has no version {missing[0]}. It has versions 1 to "
                f"{len(versions)}.",
            )
        old, new = by_number[old_number], by_number[new_number]
        context.update(
            old=old,
            new=new,
            changes=redline(
                effective_sections(old, context["organisation"]),
                effective_sections(new, context["organisation"]),
            ),
        )
        context["title_changed"] = old.title != new.title
    return render(request, "changes/history.html", context)
