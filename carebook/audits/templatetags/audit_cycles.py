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
