"""PDF copies: we open the files WeasyPrint really makes and read their text, outline, metadata."""

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone

from carebook.accounts.models import Role
from carebook.accounts.services import add_membership, create_user
from carebook.manuals import pdf
from carebook.manuals.models import Manual, ManualPdf, ManualPdfStatus, RelatedProcedure

from .factories import make_chapter, make_manual, make_procedure, republish, section

pytestmark = pytest.mark.django_db
SID = "33333333-3333-4333-8333-333333333333"
CHECK = "check the online version before relying on a printed copy"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def read(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def text_of(reader: pypdf.PdfReader) -> str:
    # Line breaks inside a paragraph depend on the layout: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def outline_titles(reader: pypdf.PdfReader) -> list[tuple[int, str]]:
    titles = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                titles.append((depth, item.title))

    walk(reader.outline, 1)
    return titles


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def procedure(chapter):
    other = make_procedure(chapter, title="Information sharing")
    page = make_procedure(
        chapter,
        title="Referrals and assessment",
        sections=[
            section(
                "Purpose",
                '<p>How to respond when a child is referred. See <a href="/testshire/">our '
                "home page</a>.</p><ul><li>first step</li><li>second step</li></ul>",
                SID,
            ),
            section("Timescales", "<p>Decide within one working day.</p>"),
        ],
        scope="<p>All social workers in the assessment teams.</p>",
        audience=["childrens-social-work"],
        owner_role="Principal Social Worker",
        review_date=timezone.localdate() + dt.timedelta(days=200),
        legislation=[
            {
                "type": "link",
                "value": {
                    "title": "Children Act 1989, section 17",
                    "url": "https://www.legislation.gov.uk/ukpga/1989/41/section/17",
                },
            }
        ],
        related_links=[RelatedProcedure(target=other)],
        publish=False,
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_procedure_pdf_is_stamped_and_carries_the_whole_procedure(client, org, procedure):
    response = client.get(f"{procedure.url}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="referrals-and-assessment-v1.pdf"'
    assert response["Cache-Control"] == "public, max-age=300"
    reader = read(response.content)
    text = text_of(reader)
    today = long_date(timezone.localdate())
    for expected in (
        "Referrals and assessment",
        "Test chapter",
        "Purpose",
        "Timescales",
        "Decide within one working day.",
        "second step",
        "Scope",
        "All social workers in the assessment teams.",
        "Children's social work",
        "What changed: First published.",
        "Owner Principal Social Worker",
        "Related procedures Information sharing",
        "http://localhost/testshire/test-manual/test-chapter/information-sharing/",
        "Legislation and guidance Children Act 1989, section 17",
        "https://www.legislation.gov.uk/ukpga/1989/41/section/17",
        # A link inside the text is shown with its full address.
        "our home page (http://localhost/testshire/)",
        f"http://localhost{procedure.url}",
    ):
        assert expected in text, expected
    # Every page is stamped: organisation, procedure, version, printed date, the warning.
    published = long_date(timezone.localtime(procedure.versions.get().published_at))
    for page in reader.pages:
        page_text = " ".join(page.extract_text().split())
        assert "Testshire Council" in page_text
        assert "Referrals and assessment" in page_text
        assert f"Version 1, published {published}" in page_text
        assert f"Printed on {today} — {CHECK}" in page_text
        assert "Page 1 of" in page_text or "Page 2 of" in page_text


def test_procedure_pdf_is_tagged_with_language_title_and_author(client, procedure):
    reader = read(client.get(f"{procedure.url}pdf/").content)
    assert reader.metadata.title == "Referrals and assessment – Testshire Council"
    assert reader.metadata.author == "Testshire Council"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # declares PDF/UA-1
    assert "Referrals and assessment – Testshire Council" in xmp
    assert outline_titles(reader) == [
        (1, "Referrals and assessment"),
        (2, "Purpose"),
        (2, "Timescales"),
    ]


def test_procedure_pdf_as_it_stood_on_a_day(client, procedure):
    republish(procedure, note="Shorter timescales.", body=[section("Purpose", "<p>New.</p>")])
    today = timezone.localdate().isoformat()
    response = client.get(f"{procedure.url}pdf/?as_at={today}")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    text = text_of(read(response.content))
    assert "as it stood on" in text and "Version 2, published" in text
    assert client.get(f"{procedure.url}pdf/?as_at=31-12-2020").status_code == 400
    assert client.get(f"{procedure.url}pdf/?as_at=2001-01-01").status_code == 404


def test_local_amendments_stay_labelled_in_print(org, procedure):
    amendment = {
        "id": "a1",
        "position": "after",
        "anchor_section_id": SID,
        "heading": "In Testshire",
        "html": "<p>Call the Testshire front door team first.</p>",
        "organisation_slug": "testshire",
        "organisation_name": "Testshire Council",
    }
    version = procedure.versions.get()
    built = pdf.procedure_pdf(procedure=procedure, version=version, amendments=[amendment])
    text = text_of(read(built.data))
    assert "Testshire Council local content In Testshire" in text
    assert text.index("Purpose") < text.index("In Testshire") < text.index("Timescales")


def test_no_pdf_of_a_withdrawn_or_unpublished_procedure(client, chapter, procedure):
    procedure.unpublish()
    response = client.get(f"{procedure.url}pdf/")
    assert response.status_code == 404
    assert "was withdrawn on" in response.content.decode()
    draft = make_procedure(chapter, title="Draft only", publish=False)
    assert (
        client.get(
            f"{draft.url or '/testshire/test-manual/test-chapter/draft-only/'}pdf/"
        ).status_code
        == 404
    )


@pytest.fixture
def small_manual(org):
    manual = make_manual(org, title="Small manual", slug="small-manual")
    first = make_chapter(manual, title="First chapter", slug="first")
    second = make_chapter(manual, title="Second chapter", slug="second")
    make_procedure(first, title="Alpha procedure", sections=[section("One", "<p>A.</p>")])
    make_procedure(first, title="Beta procedure")
    make_procedure(second, title="Gamma procedure")
    return Manual.objects.get(pk=manual.pk)


@pytest.fixture
def build_spy(monkeypatch):
    calls = []
    real = pdf.manual_pdf_document

    def spy(manual):
        calls.append(manual.pk)
        return real(manual)

    monkeypatch.setattr(pdf, "manual_pdf_document", spy)
    return calls


def test_manual_pdf_has_title_page_contents_chapters_and_outline(client, small_manual):
    response = client.get(f"{small_manual.url}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="testshire-small-manual.pdf"'
    reader = read(body_of(response))
    assert len(reader.pages) > 1
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "Small manual" in first_page and "Testshire Council" in first_page
    assert "Demo content" not in first_page
    contents = " ".join(reader.pages[1].extract_text().split())
    assert "Contents" in contents and "First chapter" in contents
    assert "Gamma procedure" in contents
    text = text_of(reader)
    assert "Version 1, published" in text and CHECK in text
    assert outline_titles(reader)[:6] == [
        (1, "Small manual"),
        (1, "Contents"),
        (1, "First chapter"),
        (2, "Alpha procedure"),
        (3, "One"),
        (2, "Beta procedure"),
    ]
    assert (1, "Second chapter") in outline_titles(reader)
    assert (2, "Gamma procedure") in outline_titles(reader)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == "Small manual – Testshire Council"


def test_each_procedure_starts_a_new_page_with_its_own_stamp(client, small_manual):
    reader = read(body_of(client.get(f"{small_manual.url}pdf/")))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    starts = [i for i, text in enumerate(pages) if "What changed:" in text]
    assert len(starts) == 3 and len(set(starts)) == 3
    for index, title in zip(starts, ["Alpha", "Beta", "Gamma"], strict=True):
        assert f"{title} procedure" in pages[index]
    assert all("Version 1, published" in pages[i] for i in starts)
    # The contents list gives each procedure's page number.
    assert f"Gamma procedure {starts[2] + 1}" in pages[1].replace(" .", "").replace(". ", " ")


def test_whole_demo_manual(client):
    response = client.get("/national-library/childrens-social-care/pdf/")
    assert response.status_code == 200
    reader = read(body_of(response))
    assert len(reader.pages) > 20
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "National Procedures Library" in cover
    assert "Demo content — not for practice" in cover
    titles = [title for _, title in outline_titles(reader)]
    assert "Referrals and assessment" in titles
    assert "Glossary" in titles
    assert ManualPdf.objects.get().page_count == len(reader.pages)


def test_second_request_serves_the_cached_file(client, small_manual, build_spy, private_root):
    assert client.get(f"{small_manual.url}pdf/").status_code == 200
    record = ManualPdf.objects.get(manual=small_manual)
    assert record.status == ManualPdfStatus.READY
    stored = private_root / record.file_path
    assert stored.is_file() and record.size == stored.stat().st_size
    response = client.get(f"{small_manual.url}pdf/")
    assert response.status_code == 200 and body_of(response) == stored.read_bytes()
    assert build_spy == [small_manual.pk]


def test_publishing_a_new_version_changes_the_fingerprint_and_rebuilds(
    client, small_manual, build_spy, private_root
):
    client.get(f"{small_manual.url}pdf/")
    before = ManualPdf.objects.get(manual=small_manual)
    old_file = private_root / before.file_path
    alpha = small_manual.get_descendants().get(slug="alpha-procedure").specific
    republish(alpha, note="New step.", body=[section("One", "<p>A new step.</p>")])
    assert pdf.manual_fingerprint(small_manual) != before.fingerprint
    reader = read(body_of(client.get(f"{small_manual.url}pdf/")))
    assert "A new step." in text_of(reader) and "Version 2, published" in text_of(reader)
    assert len(build_spy) == 2
    after = ManualPdf.objects.get(manual=small_manual)  # the old one is discarded
    assert after.fingerprint != before.fingerprint and not old_file.exists()


def test_fingerprint_follows_what_the_pdf_shows(org, small_manual):
    fingerprint = pdf.manual_fingerprint(small_manual)
    assert pdf.manual_fingerprint(small_manual) == fingerprint
    # Another manual's changes, and drafts, change nothing.
    other = make_procedure(make_chapter(make_manual(org, slug="other")), title="Elsewhere")
    republish(other, note="Elsewhere changed.")
    gamma = small_manual.get_descendants().get(slug="gamma-procedure").specific
    gamma.title = "Gamma draft title"
    gamma.save_revision()
    assert pdf.manual_fingerprint(small_manual) == fingerprint
    # A new day is a new printed date.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert pdf.manual_fingerprint(small_manual, today=tomorrow) != fingerprint
    # A renamed chapter and a withdrawn procedure change it.
    chapter = small_manual.get_children().get(slug="second").specific
    chapter.title = "Renamed chapter"
    chapter.save_revision().publish()
    renamed = pdf.manual_fingerprint(small_manual)
    assert renamed != fingerprint
    Manual.objects.get(pk=small_manual.pk).get_descendants().get(slug="beta-procedure").unpublish()
    assert pdf.manual_fingerprint(small_manual) != renamed


def test_a_failed_build_says_so_without_details_and_can_be_retried(
    client, small_manual, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(pdf, "render_procedure", broken)
    response = client.get(f"{small_manual.url}pdf/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "could not be made" in html
    assert f'href="{small_manual.url}pdf/?retry=1"' in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert response["Cache-Control"] == "no-store"
    record = ManualPdf.objects.get(manual=small_manual)
    assert record.status == ManualPdfStatus.FAILED
    assert "RuntimeError: secret internal detail" in record.error

    monkeypatch.undo()
    # Without asking for a retry, the failure stands (no rebuild on every visit) ...
    assert client.get(f"{small_manual.url}pdf/").status_code == 500
    # ... and the retry link builds it.
    response = client.get(f"{small_manual.url}pdf/?retry=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    record.refresh_from_db()
    assert record.status == ManualPdfStatus.READY and record.attempts == 2 and not record.error


def test_while_building_readers_get_a_being_prepared_page(client, small_manual, build_spy):
    ManualPdf.objects.create(
        manual=small_manual,
        fingerprint=pdf.manual_fingerprint(small_manual),
        status=ManualPdfStatus.BUILDING,
    )
    response = client.get(f"{small_manual.url}pdf/")
    assert response.status_code == 202
    html = response.content.decode()
    assert "is being prepared" in html and "does not refresh by itself" in html
    assert f'<a class="govuk-link" href="{small_manual.url}pdf/">Check again</a>' in html
    assert 'http-equiv="refresh"' not in html
    assert 'class="govuk-breadcrumbs"' in html
    assert build_spy == []


def test_a_build_that_never_finished_can_be_retried(client, small_manual, build_spy):
    ManualPdf.objects.create(
        manual=small_manual,
        fingerprint=pdf.manual_fingerprint(small_manual),
        status=ManualPdfStatus.BUILDING,
        started_at=timezone.now() - pdf.BUILD_TIMEOUT - dt.timedelta(minutes=1),
    )
    assert client.get(f"{small_manual.url}pdf/").status_code == 500
    assert client.get(f"{small_manual.url}pdf/?retry=1").status_code == 200
    assert len(build_spy) == 1


def test_a_lost_file_is_built_again(client, small_manual, build_spy, private_root):
    client.get(f"{small_manual.url}pdf/")
    record = ManualPdf.objects.get(manual=small_manual)
    (private_root / record.file_path).unlink()
    assert client.get(f"{small_manual.url}pdf/").status_code == 200
    assert len(build_spy) == 2


def test_built_files_are_private(settings, client, small_manual, private_root):
    client.get(f"{small_manual.url}pdf/")
    record = ManualPdf.objects.get(manual=small_manual)
    path = (private_root / record.file_path).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert client.get(f"/media/{record.file_path}").status_code == 404


@pytest.fixture
def staff_manual(org):
    manual = make_manual(org, title="Staff handbook", slug="staff-handbook", visibility="staff")
    make_procedure(make_chapter(manual, slug="people"), title="Lone working")
    return manual


def test_staff_only_pdfs_follow_the_manual_rules(client, org, staff_manual):
    urls = [f"{staff_manual.url}pdf/", f"{staff_manual.url}people/lone-working/pdf/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/?next=")
    client.force_login(create_user(email="outsider@example.org", password=None))
    for url in urls:
        assert client.get(url).status_code == 404, url
    member = create_user(email="member@example.org", password=None)
    add_membership(user=member, organisation=org, role=Role.READER)
    client.force_login(member)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private"
    assert not ManualPdf.objects.filter(manual=staff_manual).exclude(status="ready").exists()


def test_manual_and_procedure_pages_link_to_their_pdfs(client, small_manual):
    html = client.get(small_manual.url).content.decode()
    assert f'href="{small_manual.url}pdf/"' in html
    procedure_url = f"{small_manual.url}first/alpha-procedure/"
    assert f'href="{procedure_url}pdf/"' in client.get(procedure_url).content.decode()
    assert client.get(f"{procedure_url}pdf/")["Content-Type"] == "application/pdf"
