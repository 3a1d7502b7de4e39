import pytest

from carebook.manuals.rendering import (
    GlossaryEntry,
    RenderedSection,
    clean_html,
    html_to_text,
    link_glossary_terms,
    merge_amendments,
)


def test_clean_html_removes_scripts_styles_and_event_handlers():
    dirty = (
        '<p onclick="x()" style="color:red">Hi<script>alert(1)</script>'
        '<a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>'
    )
    cleaned = clean_html(dirty)
    assert "script" not in cleaned and "onclick" not in cleaned and "style" not in cleaned
    assert "javascript:" not in cleaned and "<img" not in cleaned
    assert cleaned.startswith("<p>Hi")


def test_html_to_text_keeps_paragraph_breaks():
    assert html_to_text("<p>One &amp; two</p><ul><li>three</li></ul>") == "One & two\nthree"


def entry(term, *abbrs):
    return GlossaryEntry(term, abbrs, f"About {term}.", f"glossary-{term.replace(' ', '-')}")


def test_only_the_first_use_of_a_term_on_the_page_is_linked():
    sections = [
        RenderedSection("local", "a", "A", "<p>A Child in Need plan.</p>", ""),
        RenderedSection("local", "b", "B", "<p>Each child in need and CIN.</p>", ""),
    ]
    link_glossary_terms(sections, [entry("child in need", "CIN")], "/m/a-z/")
    assert sections[0].html.count("carebook-glossary-link") == 1
    assert ">Child in Need</a>" in sections[0].html
    assert "carebook-glossary-link" not in sections[1].html


def test_terms_in_headings_links_and_attributes_are_left_alone():
    sections = [
        RenderedSection(
            "local",
            "a",
            "A",
            '<h3>Child in need</h3><p><a href="/x" title="child in need">child in need</a></p>'
            "<p>Then a child in need.</p>",
            "",
        )
    ]
    link_glossary_terms(sections, [entry("child in need")], "/m/a-z/")
    html = sections[0].html
    assert html.startswith('<h3>Child in need</h3><p><a href="/x" title="child in need">')
    assert (
        'Then a <a class="govuk-link carebook-glossary-link" href="/m/a-z/#glossary-child-in-need"'
        in html
    )


def test_abbreviations_match_only_as_written():
    sections = [RenderedSection("local", "a", "A", "<p>cin and CIN.</p>", "")]
    link_glossary_terms(sections, [entry("child in need", "CIN")], "/m/a-z/")
    assert sections[0].html.startswith("<p>cin and <a ")


def national(section_id):
    return RenderedSection(
        "national",
        section_id,
        section_id.upper(),
        f"<p>{section_id}</p>",
        section_id,
        section_id=section_id,
    )


def amendment(position, anchor="", **extra):
    return {
        "id": f"{position}-{anchor}",
        "position": position,
        "anchor_section_id": anchor,
        "html": f"<p>{position}</p>",
        "heading": "",
        "organisation_slug": "testshire",
        "organisation_name": "Testshire Council",
        **extra,
    }


def test_amendments_go_before_after_instead_of_or_at_the_end():
    merged = merge_amendments(
        [national("a"), national("b")],
        [
            amendment("after", "a"),
            amendment("before", "a"),
            amendment("replace", "b"),
            amendment("end"),
        ],
    )
    assert [(s.origin, s.text) for s in merged] == [
        ("local", "before"),
        ("national", "a"),
        ("local", "after"),
        ("local", "replace"),
        ("local", "end"),
    ]


def test_an_amendment_whose_section_vanished_is_kept_at_the_end_and_flagged():
    merged = merge_amendments([national("a")], [amendment("after", "gone")])
    assert merged[-1].text == "after" and merged[-1].flags == ["anchor-vanished"]


@pytest.mark.parametrize("amendments", [[], ()])
def test_no_amendments_leaves_sections_as_they_are(amendments):
    sections = [national("a")]
    assert merge_amendments(sections, amendments) is sections
