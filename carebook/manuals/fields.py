from django import forms
from django.db import models

AUDIENCES = [
    ("childrens-social-work", "Children's social work"),
    ("fostering", "Fostering"),
    ("residential", "Residential care"),
    ("adoption", "Adoption"),
    ("partner-agencies", "Partner agencies"),
    ("early-help", "Early help"),
]
AUDIENCE_LABELS = dict(AUDIENCES)


class ChoiceListField(models.JSONField):
    """A list of codes from fixed choices, stored as JSON so it works on SQLite and PostgreSQL."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )
