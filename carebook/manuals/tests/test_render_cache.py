"""The cached render path gives exactly what render_procedure gives, and never a stale page."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from carebook.manuals.rendering import (
    GlossaryEntry,
    render_cache_key,
    render_procedure,
    render_procedure_cached,
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def version(pk=7):
    return SimpleNamespace(
        pk=pk,
        title="Child in need",
        summary="Summary.",
        scope_html="<p>Scope</p>",
        sections=[
            {
                "id": "s1",
                "heading": "Start",
                "anchor": "start",
                "html": "<p>A child in need plan.</p>",
                "text": "A child in need plan.",
            }
        ],
    )


ORGANISATION = SimpleNamespace(slug="northshire", name="Northshire", is_publisher=False)
CIN = GlossaryEntry("child in need", ("CIN",), "A child who needs services.", "glossary-cin")


def rendered_html(rendered):
    return [(section.anchor, section.html, section.origin) for section in rendered.sections]


def test_cached_rendering_is_the_same_as_the_uncached_one():
    arguments = {"organisation": ORGANISATION, "glossary": [CIN], "glossary_href": "/m/a-z/"}
    expected = render_procedure(version=version(), **arguments)
    first = render_procedure_cached(version=version(), **arguments)
    second = render_procedure_cached(version=version(), **arguments)
    assert rendered_html(first) == rendered_html(second) == rendered_html(expected)
    assert second.title == expected.title and second.scope_html == expected.scope_html
    assert "carebook-glossary-link" in second.sections[0].html


def test_a_changed_glossary_term_is_never_served_from_the_old_rendering():
    render_procedure_cached(version=version(), organisation=ORGANISATION, glossary=[CIN])
    changed = GlossaryEntry("child in need", ("CIN",), "A new definition.", "glossary-cin")
    rendered = render_procedure_cached(
        version=version(), organisation=ORGANISATION, glossary=[changed]
    )
    assert "A new definition." in rendered.sections[0].html
    removed = render_procedure_cached(version=version(), organisation=ORGANISATION, glossary=[])
    assert "carebook-glossary-link" not in removed.sections[0].html


def test_the_key_follows_every_input_and_unsaved_versions_are_not_cached():
    def key(**changes):
        arguments = {
            "version": version(),
            "amendments": (),
            "organisation": ORGANISATION,
            "glossary": [CIN],
            "glossary_href": "/m/a-z/",
            **changes,
        }
        return render_cache_key(**arguments)

    renamed = SimpleNamespace(slug="northshire", name="North Shire", is_publisher=False)
    keys = {
        key(),
        key(version=version(pk=8)),
        key(organisation=renamed),
        key(glossary=[]),
        key(glossary_href="/other/a-z/"),
        key(amendments=[{"id": 1, "position": "end", "html": "<p>x</p>"}]),
    }
    assert len(keys) == 6
    assert key(version=version(pk=None)) is None


def test_cached_sections_cannot_be_changed_through_a_returned_rendering():
    arguments = {"organisation": ORGANISATION, "glossary": [CIN]}
    render_procedure_cached(version=version(), **arguments)
    first = render_procedure_cached(version=version(), **arguments)
    first.sections[0].html = "changed"
    again = render_procedure_cached(version=version(), **arguments)
    assert again.sections[0].html != "changed"


def northshire_escalation():
    from carebook.manuals.models import Procedure

    # In the demo, a national change to the section its local content follows is flagged.
    return Procedure.objects.get(
        url_path__contains="/northshire/childrens-social-care/",
        derived_from__slug="escalation-and-resolving-professional-disagreements",
    )


@pytest.mark.django_db
def test_flags_of_local_content_are_worked_out_once_per_version(django_assert_num_queries):
    from carebook.adaptation.selectors import amendments_with_flags
    from carebook.manuals.selectors import latest_version, render_inputs

    version = latest_version(northshire_escalation())
    expected = amendments_with_flags(version.local_amendments, version.national_version)
    assert any("anchor-changed" in a["flags"] and a["anchor_redline"] for a in expected)

    first = render_inputs(version)
    with django_assert_num_queries(0):
        second = render_inputs(version)
    assert first.amendments == second.amendments == expected
    assert second.version == version.national_version and second.national is True


@pytest.mark.django_db
def test_each_version_of_a_derived_procedure_keeps_its_own_flags():
    from carebook.adaptation.selectors import amendments_with_flags
    from carebook.manuals.selectors import render_inputs

    versions = list(northshire_escalation().versions.order_by("number"))
    for version in versions:
        render_inputs(version)
    for version in versions:
        expected = (
            amendments_with_flags(version.local_amendments, version.national_version)
            if version.local_amendments
            else []
        )
        assert render_inputs(version).amendments == expected
    assert len({str(render_inputs(v).amendments) for v in versions}) > 1
