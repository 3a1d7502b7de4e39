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
