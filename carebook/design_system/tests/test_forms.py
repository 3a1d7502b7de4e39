from django import forms

from carebook.accounts.forms import SignInForm


class EveryWidgetForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As it appears on your badge")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    team = forms.ChoiceField(label="Team", choices=[("a", "Assessment"), ("b", "Fostering")])
    audience = forms.ChoiceField(
        label="Audience",
        choices=[("cs", "Children's social work"), ("fc", "Foster carers")],
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label="Topics",
        choices=[("x", "Exploitation"), ("m", "Missing")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="I have read this procedure")
    evidence = forms.FileField(label="Evidence", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_fields_render_as_govuk_components():
    html = str(EveryWidgetForm())
    assert 'class="govuk-input"' in html
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-radios"' in html and 'class="govuk-radios__input"' in html
    assert 'class="govuk-checkboxes"' in html
    assert "govuk-checkboxes--small" in html
    assert 'class="govuk-file-upload"' in html
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Audience</legend>' in html
    )
    assert 'id="id_name-hint" class="govuk-hint">As it appears on your badge' in html
    assert 'aria-describedby="id_name-hint"' in html
    assert 'type="hidden" name="token"' in html


def test_errors_render_with_messages_linked_from_the_field():
    form = EveryWidgetForm(data={"team": "z"})
    assert not form.is_valid()
    html = str(form)
    assert "govuk-form-group--error" in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert '<span class="govuk-visually-hidden">Error:</span> This field is required.' in html
    assert "govuk-select--error" in html


def test_radio_choice_keeps_its_selection_after_an_error():
    form = EveryWidgetForm(data={"audience": "fc"})
    form.is_valid()
    html = str(form)
    assert 'id="id_audience_1" name="audience" type="radio" value="fc" checked' in html


def test_error_summary_links_to_each_field(rf):
    from django.template.loader import render_to_string

    form = SignInForm(request=rf.get("/"), data={"username": "not-an-email", "password": ""})
    assert not form.is_valid()
    html = render_to_string("components/error_summary.html", {"form": form})
    assert "There is a problem" in html
    assert '<a href="#id_username">Enter an email address in the correct format' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_field_values_are_escaped():
    form = EveryWidgetForm(data={"name": '"><script>alert(1)</script>'})
    html = str(form)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
