from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict public policy everywhere, except the Wagtail admin, which has its own."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path.startswith("/admin/"):
            parts.config = settings.CAREBOOK_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
