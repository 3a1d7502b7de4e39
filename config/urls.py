from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("", include("carebook.core.urls")),
    path("account/", include("carebook.accounts.urls")),
    path("audits/", include("carebook.audits.urls")),
    path("audits/", include("carebook.audits.urls_audits")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("carebook.organisations.urls")),
    path("", include("carebook.changes.urls")),
    path("", include("carebook.search.urls")),
]

if settings.CAREBOOK_ENVIRONMENT == "development":
    # Uploaded images on a developer's machine; a real deployment serves media elsewhere.
    from django.views.static import serve

    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

# Wagtail serves every page: /, /<org>/, and the manuals below them. It must come last.
urlpatterns.append(path("", include(wagtail_urls)))

handler400 = "carebook.core.views.bad_request"
handler403 = "carebook.core.views.permission_denied"
handler404 = "carebook.core.views.page_not_found"
handler500 = "carebook.core.views.server_error"
