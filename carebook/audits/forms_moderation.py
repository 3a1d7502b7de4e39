"""Forms for challenge, moderation and actions. They check input; the services decide and write."""

from django import forms

from .forms_audits import NOT_APPLICABLE, _date_field
from .models import ActionStatus, Audit, Item, ScaleLevel
from .personal_data import describe, find_personal_data
from .selectors_moderation import action_owner_choices
from .services_moderation import check_due_date


class _NeverCarried(forms.HiddenInput):
    """A hidden confirmation that is never sent back ticked: each refusal asks afresh."""

    def format_value(self, value):
        return None


class PersonalDataChecked(forms.Form):
    """Free text checked for likely personal data before it is saved.

    A field in `checked_for_personal_data` that looks as if it holds personal data (an NHS
    number, a name with a date of birth, …) gets an error saying what was found, and a checkbox
    appears: ticking it ("I have checked this") lets the same text be saved.
    """

    checked_for_personal_data: tuple[str, ...] = ()
    confirm_personal_data = forms.BooleanField(
        label="I have checked this text: it is needed and contains no personal data about "
        "individuals",
        help_text="Change the text if you can. Tick this only if it must stay as it is, for "
        "example a team mailbox.",
        required=False,
        widget=_NeverCarried,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal_data_found = False
        # Declared here, so first: the confirmation belongs after the text it confirms.
        self.fields["confirm_personal_data"] = self.fields.pop("confirm_personal_data")

    def fields_to_check(self, data: dict) -> tuple[str, ...]:
        return self.checked_for_personal_data

    def clean(self):
        data = super().clean()
        if data.get("confirm_personal_data"):
            return data
        for name in self.fields_to_check(data):
            findings = find_personal_data(data.get(name) or "")
            if findings:
                label = self.fields[name].label
                self.add_error(
                    name,
                    f"{label} may contain personal data ({describe(findings)}). Remove it, or "
                    "tick the box to confirm it is needed",
                )
                self.personal_data_found = True
        if self.personal_data_found:
            self.fields["confirm_personal_data"].widget = forms.CheckboxInput()
        return data


class ModerationForm(PersonalDataChecked):
    """The lead's moderated rating (or not applicable with a reason) and its rationale."""

    rating = forms.ChoiceField(
        label="Moderated rating",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a moderated rating",
            "invalid_choice": "Select a rating from the scale",
        },
    )
    not_applicable_reason = forms.CharField(
        label="If it does not apply, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this rating: what the challenge found, and the evidence for it.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale for the moderated rating"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    checked_for_personal_data = ("not_applicable_reason", "rationale")

    def fields_to_check(self, data: dict) -> tuple[str, ...]:
        if data.get("rating") == NOT_APPLICABLE:
            return self.checked_for_personal_data
        return ("rationale",)  # a reason is kept only with "not applicable"

    def __init__(self, *args, item: Item, levels: list[ScaleLevel], allow_na: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.levels = levels
        self.allow_na = allow_na
        choices = [(str(level.value), level.label) for level in levels]
        if allow_na:
            choices.append((NOT_APPLICABLE, "Not applicable"))
        self.fields["rating"].choices = choices

    def clean(self):
        data = super().clean()
        if (
            data.get("rating") == NOT_APPLICABLE
            and not (data.get("not_applicable_reason") or "").strip()
        ):
            self.add_error("not_applicable_reason", "Enter why this item does not apply")
        if "rationale" in data and not data["rationale"].strip():
            self.add_error("rationale", "Enter the rationale for the moderated rating")
        return data

    @property
    def rating_value(self) -> int | None:
        rating = self.cleaned_data.get("rating")
        return None if rating in (None, "", NOT_APPLICABLE) else int(rating)

    @property
    def is_not_applicable(self) -> bool:
        return self.cleaned_data.get("rating") == NOT_APPLICABLE


class _ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.ref} {item.statement[:120]}"


class ChallengeEventForm(PersonalDataChecked):
    date = _date_field("Date of the event", "14/7/2026")
    participants = forms.ModelMultipleChoiceField(
        label="Organisations that took part",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select organisations taking part in this audit"},
    )
    attendees = forms.CharField(
        label="Who took part (optional)",
        required=False,
        help_text="Roles rather than names, for example “designated safeguarding leads”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    items = _ItemChoice(
        label="Items discussed",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select items of this audit's framework"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        help_text="What was challenged and agreed. Write about services, not individuals.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    checked_for_personal_data = ("attendees", "notes")

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = audit.participants.select_related("organisation")
        self.fields["participants"].label_from_instance = lambda p: p.organisation.name
        self.fields["items"].queryset = audit.framework_version.items.filter(
            assessable=True
        ).order_by("position")

    def clean(self):
        data = super().clean()
        described = (data.get("attendees") or "").strip() or "attendees" in self.errors
        if not data.get("participants") and not described:
            self.add_error("participants", "Select who took part, or describe them")
        return data


class ReturnForChangesForm(PersonalDataChecked):
    checked_for_personal_data = ("message",)
    message = forms.CharField(
        label="What needs to change",
        help_text="The participant's contributors and senior lead see this message on their "
        "return.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the participant needs to change"},
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Enter what the participant needs to change")
        return message


class ActionForm(PersonalDataChecked):
    checked_for_personal_data = ("description",)
    items = _ItemChoice(
        label="Items",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the items the action is about",
            "invalid_choice": "Select items of this audit's framework",
        },
    )
    owners = forms.ModelMultipleChoiceField(
        label="Owning organisations",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the organisations that own the action",
            "invalid_choice": "Owners must be taking part in the audit, or lead it",
        },
    )
    owner_name = forms.CharField(
        label="Named owner",
        max_length=200,
        help_text="The person accountable, with their role.",
        error_messages={"required": "Enter the name of the person who owns the action"},
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the action"},
    )
    due_date = _date_field("Due date", "31/3/2027")

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        self.fields["items"].queryset = audit.framework_version.items.filter(
            assessable=True
        ).order_by("position")
        self.fields["owners"].queryset = action_owner_choices(audit=audit).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("due_date"):
            for field, message in check_due_date(
                audit=self.audit, due_date=data["due_date"]
            ).items():
                self.add_error(field, message)
        return data


def _note_field(label: str, required: bool, message: str = "", help_text: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message},
    )


class ProgressNoteForm(PersonalDataChecked):
    checked_for_personal_data = ("note",)
    note = _note_field("Progress note", True, "Enter a progress note")


class DoneForm(PersonalDataChecked):
    checked_for_personal_data = ("completion_evidence",)
    completion_evidence = _note_field(
        "Completion evidence",
        True,
        "Enter the evidence that the action is complete",
        "What shows it is done: documents, web addresses, dates.",
    )


class VerifyForm(PersonalDataChecked):
    checked_for_personal_data = ("note",)
    note = _note_field("Verification note (optional)", False)


class ReopenForm(PersonalDataChecked):
    checked_for_personal_data = ("note",)
    note = _note_field("Why it is being reopened", True, "Enter why the action is being reopened")


class ActionFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="All organisations"
    )
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = action_owner_choices(audit=audit).order_by("name")
        self.fields["status"].choices = [
            ("", "All statuses"),
            ("overdue", "Overdue"),
            *ActionStatus.choices,
        ]
