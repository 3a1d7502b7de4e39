from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

# Form actions that make a version public, now or after approval.
PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class ProcedureForm(WagtailAdminPageForm):
    """Asks for an amendment note on every publish, and starts each new draft without the last one.

    The note belongs to the version it was published with; a fresh draft after a publish must
    not inherit it, or the next version would be announced with the wrong reason.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes and not self.is_bound:
            self.initial["amendment_note"] = ""

    def clean(self):
        cleaned = super().clean()
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        if publishing and not (cleaned.get("amendment_note") or "").strip():
            self.add_error(
                "amendment_note",
                forms.ValidationError(
                    "Enter an amendment note: say what changed and why, so that readers know.",
                    code="required",
                ),
            )
        return cleaned
