"""Slugs that can never name an organisation, manual or chapter, because a URL already uses them."""

from django.core.exceptions import ValidationError

RESERVED_SLUGS = frozenset(
    {
        "admin",
        "audits",
        "account",
        "api",
        "documents",
        "static",
        "media",
        "healthz",
        "search",
        "whats-new",
        "a-z",
        "subscribe",
        "feed.atom",
        "pdf",
        "history",
        # Pages of the platform itself, linked from every footer.
        "accessibility",
        "privacy",
    }
)


def validate_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is used by Carebook itself and cannot be used here. Choose another.",
            code="reserved_slug",
            params={"slug": value},
        )
