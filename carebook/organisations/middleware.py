from django.core.exceptions import PermissionDenied

# Admin areas for platform administrators only. Wagtail checks model permissions on most of
# them already; this closes the ones that list content across organisations (reports) and
# keeps the rule in one place.
PLATFORM_ONLY_ADMIN_PREFIXES = (
    "/admin/reports/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/sites/",
    "/admin/collections/",
    "/admin/workflows/",
    "/admin/snippets/",
    "/admin/settings/",
    "/admin/redirects/",
    "/admin/locales/",
    "/admin/organisations/",
    "/admin/frameworks/",
)


class AdminTenancyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PLATFORM_ONLY_ADMIN_PREFIXES):
            user = request.user
            if user.is_authenticated and not user.is_superuser:
                raise PermissionDenied("This part of the admin is for platform administrators.")
        return self.get_response(request)
