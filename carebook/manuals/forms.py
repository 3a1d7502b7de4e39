from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

# Form actions that make a version public, now or after approval.
PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")

# A procedure derived from a national one shows the national text and metadata: its editors
# change only local content, so these fields are not in its form at all.
NATIONAL_FIELDS = (
    "body",
    "summary",
    "scope",
    "audience",
    "keywords",
    "legislation",
    "owner_role",
    "review_date",
    "requires_acknowledgement",
)
DERIVED_ONLY_FIELDS = (
    "local_amendments",
    "hidden_locally",
    "hidden_reason",
    "accept_national_change",
)


class ProcedureForm(WagtailAdminPageForm):
    """Asks for an amendment note on every publish, and starts each new draft without the last one.

    The note belongs to the version it was published with; a fresh draft after a publish must
    not inherit it, or the next version would be announced with the wrong reason.
    """

    accept_national_change = forms.BooleanField(required=False, label="Accept the national change")

    def __init__(self, *args, **kwargs):
        from carebook.adaptation import forms as adaptation_forms

        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes and not self.is_bound:
            self.initial["amendment_note"] = ""
        self.is_derived = bool(page.derived_from_id)
        if self.is_derived:
            for name in NATIONAL_FIELDS:
                self.fields.pop(name, None)
            if "title" in self.fields:
                self.fields["title"].disabled = True
                self.fields["title"].help_text = "The national title. It follows national updates."
            adaptation_forms.prepare_derived_form(self)
        else:
            for name in DERIVED_ONLY_FIELDS:
                self.fields.pop(name, None)
            adaptation_forms.clear_section_choices()

    def clean(self):
        from carebook.adaptation import forms as adaptation_forms

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
        if self.is_derived:
            adaptation_forms.clean_derived_form(self, cleaned)
        elif "body" in self.fields and not cleaned.get("body"):
            self.add_error(
                "body",
                forms.ValidationError(
                    "Add at least one section: a procedure needs some content.", code="required"
                ),
            )
        return cleaned

    def save(self, commit=True):
        from carebook.adaptation import forms as adaptation_forms

        if self.is_derived:
            adaptation_forms.apply_acceptance(self, self.instance)
        return super().save(commit=commit)
