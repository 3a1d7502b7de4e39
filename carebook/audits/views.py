"""The self-audit area's framework pages, for signed-in users."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .selectors import current_version, framework_version_for_reading, frameworks_visible_to


@require_safe
@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = [
        (framework, current_version(framework))
        for framework in frameworks_visible_to(request.user).prefetch_related("versions")
    ]
    return render(
        request,
        "audits/framework_list.html",
        {
            "frameworks": frameworks,
            "breadcrumbs": [{"text": "Home", "href": "/"}, {"text": "Frameworks"}],
        },
    )


@require_safe
@login_required
def framework_detail(request: HttpRequest, ref: str) -> HttpResponse:
    """A framework version: the current one, or the one named by ?version=."""
    framework = frameworks_visible_to(request.user).filter(ref=ref).first()
    if framework is None:
        raise Http404("No such framework.")
    versions = list(framework.versions.order_by("-loaded_at", "-pk"))
    wanted = request.GET.get("version")
    version = next((v for v in versions if v.version == wanted), None) if wanted else None
    if wanted and version is None:
        raise Http404("This framework has no such version.")
    version = framework_version_for_reading(version=version or versions[0])
    levels = list(version.scale_levels.all())
    return render(
        request,
        "audits/framework_detail.html",
        {
            "framework": framework,
            "version": version,
            "is_current": version.pk == versions[0].pk,
            "versions": versions,
            "levels": levels,
            "sections": version.sections.all(),
            "contents": _contents(version),
            "breadcrumbs": [
                {"text": "Home", "href": "/"},
                {"text": "Frameworks", "href": reverse("audits:framework-list")},
                {"text": version.name},
            ],
        },
    )


def _contents(version) -> str:
    sections = list(version.sections.all())
    items = [item for section in sections for item in section.items.all()]
    rated = sum(1 for item in items if item.assessable)
    return (
        f"{len(sections)} section{'s' if len(sections) != 1 else ''}, "
        f"{len(items)} item{'s' if len(items) != 1 else ''} ({rated} rated)"
    )
