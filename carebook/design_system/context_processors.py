"""What the base layout needs on every page: branding, navigation and the JS-enabled line."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from carebook.organisations.models import DEFAULT_BRAND_COLOUR, Organisation


@dataclass(frozen=True)
class Brand:
    name: str
    home_url: str
    colour: str
    organisation: Organisation | None = None
    stylesheet: str = ""
    is_demo: bool = False


PLATFORM_BRAND = Brand(name="Carebook", home_url="/", colour=DEFAULT_BRAND_COLOUR)


def brand_for(organisation: Organisation | None) -> Brand:
    if organisation is None:
        return PLATFORM_BRAND
    return Brand(
        name=organisation.name,
        home_url=organisation.home_page.url if hasattr(organisation, "home_page") else "/",
        colour=organisation.brand_colour,
        organisation=organisation,
        stylesheet=reverse("organisations:brand-css", kwargs={"org_slug": organisation.slug})
        + f"?v={organisation.brand_colour.lstrip('#')}",
        is_demo=organisation.is_demo,
    )


def layout(request):
    """Context for layouts/base.html. A view or page sets `request.organisation` to brand it."""
    organisation = getattr(request, "organisation", None)
    brand = brand_for(organisation)
    navigation = [
        {
            "text": "Organisations" if organisation is None else "Home",
            "href": brand.home_url,
            "current": request.path == brand.home_url,
        },
    ]
    return {
        "brand": brand,
        "navigation": navigation,
        "govuk_js_enabled_script": settings.GOVUK_JS_ENABLED_SCRIPT,
    }
