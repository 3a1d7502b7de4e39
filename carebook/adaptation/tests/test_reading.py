"""What readers of a manual that follows a base see: glossary, What's new, A to Z, PDF, markup."""

import io
import re

import pytest
from pypdf import PdfReader

from carebook.manuals.models import GlossaryTerm
from carebook.manuals.pdf import procedure_pdf
from carebook.manuals.selectors import glossary_for, latest_version

from .conftest import STEPS, national_sections
from .helpers import amendment, derived, publish_local, publish_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_glossary(base):
    GlossaryTerm.objects.create(
        manual=base, term="duty team", abbreviations="DT", definition="The social work team."
    )
    base.save_revision().publish()
    return base


def test_followers_inherit_the_national_glossary_and_link_to_it(
    client, base_glossary, automatic, national
):
    _, manual = automatic
    assert [entry.term for entry in glossary_for(manual)] == ["duty team"]
    page = derived(manual, national)
    html = client.get(page.url).content.decode()
    assert f'href="{manual.url}a-z/#glossary-duty-team"' in html
    a_to_z = client.get(f"{manual.url}a-z/").content.decode()
    assert "duty team" in a_to_z and page.title in a_to_z


def test_page_follows_the_markup_contract(client, automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the local office.")])
    html = client.get(page.url).content.decode()
    local = re.findall(r"<section[^>]*data-origin=\"local\"[^>]*>", html)
    national_sections_found = re.findall(r"<section[^>]*data-origin=\"national\"[^>]*>", html)
    assert len(local) == 1 and 'data-organisation="autoshire"' in local[0]
    assert len(national_sections_found) == 3
    assert all("data-section-id=" in tag for tag in national_sections_found)
    assert f"<strong>{organisation.name}</strong> local content" in html


def test_whats_new_tells_national_updates_from_local_changes(client, automatic, national):
    _, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("end", "", "Local contacts.")], note="Our contacts.")
    publish_national(national, sections=national_sections("<p>New.</p>"), note="Publisher note.")
    everything = client.get(f"{manual.url}whats-new/").content.decode()
    assert "National update" in everything and "Local change" in everything
    national_only = client.get(f"{manual.url}whats-new/?show=national").content.decode()
    assert "Publisher note." in national_only and "Our contacts." not in national_only
    local_only = client.get(f"{manual.url}whats-new/?show=local").content.decode()
    assert "Our contacts." in local_only and "Publisher note." not in local_only


def test_pdf_of_a_derived_procedure_marks_local_content(automatic, national):
    organisation, manual = automatic
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the local office.")])
    built = procedure_pdf(procedure=page, version=latest_version(page))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(built.data)).pages)
    text = " ".join(text.split())
    assert "Call the duty team first." in text
    assert f"{organisation.name} local content" in text and "Ring the local office." in text


def main_part(html: str) -> str:
    return html[html.index('<div class="govuk-grid-row">') : html.index("</main>")]


def test_editors_see_the_pending_banner_and_readers_the_same_cached_page_without_it(
    client, people, review, national
):
    organisation, manual = review
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the Reviewshire hub.")])
    publish_national(national, sections=national_sections("<p>Call 999 first.</p>"))
    reader = client.get(page.url).content.decode()  # fills the cache
    client.force_login(people["editor"])
    editor = client.get(page.url).content.decode()
    assert 'data-testid="national-change-pending"' in editor
    assert 'data-testid="national-change-pending"' not in reader
    assert main_part(editor) == main_part(reader)
    assert f"<strong>{organisation.name}</strong> local content" in reader
    assert "Call 999 first." not in reader  # still pinned to national version 1


def test_a_renamed_organisation_is_shown_at_once(client, review, national):
    organisation, manual = review
    page = derived(manual, national)
    publish_local(page, amendments=[amendment("after", STEPS, "Ring the Reviewshire hub.")])
    assert "is Reviewshire Council's own." in client.get(page.url).content.decode()
    organisation.name = "Reviewshire County Council"
    organisation.save()
    assert "is Reviewshire County Council's own." in client.get(page.url).content.decode()
