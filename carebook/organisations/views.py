from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .models import Organisation


@require_safe
def brand_css(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's colours as a stylesheet, so that pages need no inline styles."""
    organisation = get_object_or_404(Organisation, slug=org_slug)
    css = (
        ":root{"
        f"--carebook-brand:{organisation.brand_colour};"
        f"--carebook-brand-text:{organisation.brand_text_colour};"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
