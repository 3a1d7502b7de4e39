from django import template

register = template.Library()

STATUS_COLOURS = {
    "draft": "grey",
    "open": "blue",
    "moderation": "purple",
    "report_published": "green",
    "closed": "grey",
    "invited": "grey",
    "in_progress": "light-blue",
    "ready_for_sign_off": "yellow",
    "submitted": "green",
    # Actions ("open" and "in_progress" as above).
    "done": "yellow",
    "verified": "green",
}
TASK_COLOURS = {"Not started": "blue", "In progress": "light-blue"}


@register.filter
def status_colour(status: str) -> str:
    """The GOV.UK tag colour for an audit or return status."""
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def task_colour(status: str) -> str:
    """Task list statuses: "Completed" is plain text; the others are tags."""
    return TASK_COLOURS.get(status, "grey")


@register.filter
def person(user) -> str:
    """Who did something, by name and e-mail address (never by role)."""
    if not user:
        return "someone"
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


@register.filter
def readable(slug: str) -> str:
    """A tag or reference like "safer-recruitment" as "Safer recruitment"."""
    text = str(slug).replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
