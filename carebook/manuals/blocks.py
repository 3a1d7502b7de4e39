from wagtail import blocks

SECTION_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class SectionBlock(blocks.StructBlock):
    """A section of a procedure. The block's UUID is the section's stable id: every code path
    that writes a procedure body keeps it, so that history, redlines and local amendments can
    follow a section through edits."""

    heading = blocks.CharBlock(max_length=200, help_text="A short, specific heading.")
    content = blocks.RichTextBlock(features=SECTION_FEATURES)

    class Meta:
        icon = "doc-full"
        label = "Section"


class GuidanceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=250, help_text="e.g. Children Act 1989, section 17")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
        label = "Legislation or guidance"


class AmendmentPosition:
    BEFORE = "before"
    AFTER = "after"
    REPLACE = "replace"
    END = "end"
    CHOICES = [
        (BEFORE, "Before the national section"),
        (AFTER, "After the national section"),
        (REPLACE, "Instead of the national section"),
        (END, "At the end of the procedure (no section needed)"),
    ]


class SectionAnchorBlock(blocks.FieldBlock):
    """The national section a local amendment is attached to, chosen from a list.

    The list is the sections of the national version the procedure is being edited against
    (see carebook.adaptation.forms.national_section_choices); the value stored is the
    section's id, which stays the same when the national heading or text changes.
    """

    def __init__(self, required=False, help_text=None, **kwargs):
        from django import forms
        from django.utils.choices import CallableChoiceIterator

        from carebook.adaptation.forms import national_section_choices

        self.field = forms.CharField(
            required=required,
            help_text=help_text,
            widget=forms.Select(choices=CallableChoiceIterator(national_section_choices)),
        )
        super().__init__(**kwargs)

    class Meta:
        icon = "link"


class LocalAmendmentBlock(blocks.StructBlock):
    """Local content added to a national procedure. The block's UUID is the amendment's id."""

    position = blocks.ChoiceBlock(
        choices=AmendmentPosition.CHOICES, default=AmendmentPosition.AFTER
    )
    section = SectionAnchorBlock(
        label="National section",
        help_text="The section this local content goes with. Not needed for 'at the end'.",
    )
    heading = blocks.CharBlock(max_length=200, required=False)
    content = blocks.RichTextBlock(features=SECTION_FEATURES)

    class Meta:
        icon = "edit"
        label = "Local content"
