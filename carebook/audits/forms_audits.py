"""Forms for audit cycles and returns. They check input; the services decide and write."""

from django import forms

from . import evidence_files
from .models import Audit, FrameworkVersion, Item, ScaleLevel
from .selectors_audits import (
    audits_led_by,
    framework_versions_for_new_audits,
    lead_organisations_for,
    organisations_to_invite,
)
from .services_audits import REASON_MAX, TEXT_MAX, check_audit_dates

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"]
NOT_APPLICABLE = "na"
STALE_FORM = (
    "This page was incomplete or out of date, so nothing was saved. Check your answer below "
    "and save it again."
)


def _date_field(label: str, example: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=f"For example, {example}",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a real date, like {example}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )


def max_length_message(label: str, limit: int) -> str:
    return f"{label} must be {limit:,} characters or fewer"


def _text_field(label: str, limit: int, *, rows: int, help_text: str = "") -> forms.CharField:
    """Free text with a maximum length, drawn as a GOV.UK character count."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        error_messages={"max_length": max_length_message(label, limit)},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AuditForm(forms.Form):
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Select the lead organisation"},
    )
    framework_version = forms.ModelChoiceField(
        label="Framework",
        queryset=None,
        empty_label="Choose a framework",
        help_text="The latest version of each framework is offered.",
        error_messages={
            "required": "Select a framework",
            "invalid_choice": "Select a framework from the list",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the audit"},
    )
    period_start = _date_field("Start of the period", "1 4 2026")
    period_end = _date_field("End of the period", "31 3 2027")
    due_date = _date_field("Due date for returns", "30 6 2026")
    previous = forms.ModelChoiceField(
        label="Carry forward from an earlier audit (optional)",
        queryset=None,
        required=False,
        empty_label="Start afresh",
        help_text="Answers and evidence are copied item by item, marked “carried forward — "
        "confirm or update”, and the earlier audit's participants are invited again.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = lead_organisations_for(user=user)
        versions = framework_versions_for_new_audits()
        self.fields["framework_version"].queryset = (
            FrameworkVersion.objects.filter(pk__in=[v.pk for v in versions])
            .select_related("framework")
            .order_by("name")
        )
        self.fields["previous"].queryset = audits_led_by(user=user).select_related(
            "lead_organisation"
        )

    def clean(self):
        data = super().clean()
        dates = [data.get(name) for name in ("period_start", "period_end", "due_date")]
        if all(dates):
            errors = check_audit_dates(
                period_start=dates[0], period_end=dates[1], due_date=dates[2]
            )
            for field, message in errors.items():
                self.add_error(field, message)
        previous, lead = data.get("previous"), data.get("lead_organisation")
        if previous and lead and previous.lead_organisation_id != lead.pk:
            self.add_error("previous", f"Choose an earlier audit led by {lead}")
        return data


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation to invite",
        queryset=None,
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select an organisation to invite",
            "invalid_choice": "Select an organisation from the list",
        },
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_to_invite(audit=audit)


class ResponseForm(forms.Form):
    """A self rating (or not applicable with a reason), narrative and sufficiency.

    `version` is the response's version when the page was drawn, for `save_response` to
    detect another person's save in between.
    """

    rating = forms.ChoiceField(
        label="Self rating",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a rating from the scale"},
    )
    not_applicable_reason = _text_field("If it does not apply, why not?", REASON_MAX, rows=3)
    narrative = _text_field(
        "What we do",
        TEXT_MAX,
        rows=6,
        help_text="Describe the practice and arrangements behind your rating. Write about "
        "services, not about individual children, families or staff.",
    )
    sufficiency = _text_field(
        "How do we know?",
        TEXT_MAX,
        rows=4,
        help_text="What tells you this is working: audits, data, feedback, inspection findings.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    confirm_personal_data = forms.BooleanField(
        required=False,
        label="I have checked this text: it is needed and contains no personal data about "
        "individuals",
    )

    def __init__(self, *args, item: Item, levels: list[ScaleLevel], allow_na: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.levels = levels
        choices = [(str(level.value), level.label) for level in levels]
        if allow_na:
            choices.append((NOT_APPLICABLE, "Not applicable"))
        self.fields["rating"].choices = choices
        self.allow_na = allow_na

    def clean(self):
        data = super().clean()
        if "version" in self.errors or data.get("version") is None:
            # A hidden field: the person can only act on it by reloading the page.
            self.errors.pop("version", None)
            self.add_error(None, STALE_FORM)
        rating = data.get("rating")
        if rating == NOT_APPLICABLE and not (data.get("not_applicable_reason") or "").strip():
            self.add_error("not_applicable_reason", "Enter why this item does not apply to you")
        elif rating != NOT_APPLICABLE and "not_applicable_reason" in data:
            # The reason is asked for only under "Not applicable": with a rating it is ignored.
            data["not_applicable_reason"] = ""
        return data

    @property
    def is_empty(self) -> bool:
        """Nothing entered: no rating and no text."""
        data = self.cleaned_data
        return not data.get("rating") and not any(
            (data.get(name) or "").strip()
            for name in ("not_applicable_reason", "narrative", "sufficiency")
        )

    @property
    def rating_value(self) -> int | None:
        rating = self.cleaned_data.get("rating")
        if rating in (None, "", NOT_APPLICABLE):
            return None
        return int(rating)

    @property
    def is_not_applicable(self) -> bool:
        return self.cleaned_data.get("rating") == NOT_APPLICABLE


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label="What do the contributors need to change?",
        max_length=REASON_MAX,
        help_text="They see this on the return's task list.",
        error_messages={
            "required": "Enter what the contributors need to change",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class LinkEvidenceForm(forms.Form):
    url = forms.URLField(
        label="Web address",
        max_length=2000,
        assume_scheme="https",
        error_messages={
            "required": "Enter a web address",
            "invalid": "Enter a full web address, like https://www.example.org/report",
        },
    )
    title = forms.CharField(
        label="What it shows",
        max_length=200,
        required=False,
        help_text="For example, “Partnership training report 2025”.",
        error_messages={"max_length": max_length_message("What it shows", 200)},
    )
    confirm_personal_data = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FileEvidenceForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{evidence_files.PERMITTED}, up to 10 MB.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file you chose is empty. Choose a file that has something in it.",
        },
        widget=forms.FileInput(attrs={"accept": evidence_files.ACCEPT}),
    )
    file_title = forms.CharField(
        label="What it shows",
        max_length=200,
        required=False,
        error_messages={"max_length": max_length_message("What it shows", 200)},
    )
    confirm_personal_data = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            evidence_files.check_upload(upload)
        except evidence_files.EvidenceFileError as error:
            raise forms.ValidationError(error.args[0]) from None
        return upload
