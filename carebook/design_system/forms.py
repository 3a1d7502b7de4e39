"""The form renderer: every Django form in Carebook renders with GOV.UK Frontend markup."""

from django import forms
from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "design_system/forms/form.html"
    field_template_name = "design_system/forms/field.html"


def widget_kind(widget: forms.Widget) -> str:
    """Which GOV.UK component draws this widget."""
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return "hidden"
    # CheckboxSelectMultiple is a kind of RadioSelect in Django, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


CONTROL_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
}
