from django import template

from carebook.design_system.forms import CONTROL_CLASSES, widget_kind

register = template.Library()


@register.filter
def kind(bound_field) -> str:
    return widget_kind(bound_field.field.widget)


def _described_by(bound_field) -> str:
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_control(bound_field):
    """The widget with GOV.UK classes and the hint and error ids it is described by."""
    widget = bound_field.field.widget
    control = CONTROL_CLASSES.get(widget_kind(widget), "")
    classes = [control, widget.attrs.get("class", "")]
    if bound_field.errors and control:
        classes.append(f"{control}--error")
    attrs = {"class": " ".join(c for c in classes if c)}
    described_by = _described_by(bound_field)
    if described_by:
        attrs["aria-describedby"] = described_by
    return bound_field.as_widget(attrs=attrs)


@register.filter
def described_by(bound_field) -> str:
    return _described_by(bound_field)


@register.filter
def field_anchor(bound_field) -> str:
    """The id to link to from the error summary: the first option for radios and checkboxes;
    for a hidden field, which cannot take focus, the form's first visible field."""
    if bound_field.is_hidden:
        return first_field_id(bound_field.form)
    if widget_kind(bound_field.field.widget) in {"radios", "checkboxes"}:
        subwidgets = list(bound_field.subwidgets)
        if subwidgets:
            return subwidgets[0].id_for_label
    return bound_field.id_for_label or bound_field.auto_id


@register.filter
def first_field_id(form) -> str:
    for bound_field in form:
        if not bound_field.is_hidden:
            return field_anchor(bound_field)
    return "main-content"


@register.filter
def thousands(number) -> str:
    """10000 as "10,000"."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return ""
