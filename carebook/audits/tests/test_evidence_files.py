"""Evidence files are typed by their content, not by their name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carebook.audits import evidence_files
from carebook.audits.evidence_files import EvidenceFileError, check_upload

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("report.pdf", PDF_BYTES, evidence_files.PDF),
        ("chart.png", PNG_BYTES, evidence_files.PNG),
        ("photo.jpeg", JPEG_BYTES, evidence_files.JPEG),
        ("photo.JPG", JPEG_BYTES, evidence_files.JPEG),
        ("minutes.docx", office_file("docx"), evidence_files.DOCX),
        ("figures.xlsx", office_file("xlsx"), evidence_files.XLSX),
        ("notes.txt", "Plain notes — with a dash.\n".encode(), evidence_files.TEXT),
        ("data.csv", b"team,cases\nnorth,12\n", evidence_files.CSV),
    ],
)
def test_permitted_types_are_recognised_by_content(name, data, expected):
    assert check_upload(upload(name, data)) is expected


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("setup.pdf", EXE_BYTES, "not a type of file we can keep"),
        ("empty.pdf", b"", "is empty"),
        ("archive.docx", office_file("other").replace(b"xl/workbook", b"zz/other00"), "not a type"),
        ("report.pdf", PNG_BYTES, "its content is PNG image"),
        ("notes.pdf", b"just some text", "its content is plain text"),
        ("script.sh", b"#!/bin/sh\necho hi\n", "named like .sh"),
        ("binary.txt", b"abc\x00def", "not a type"),
    ],
)
def test_refused_files_say_why(name, data, message):
    with pytest.raises(EvidenceFileError, match=message):
        check_upload(upload(name, data))


def test_files_over_ten_megabytes_are_refused():
    data = PDF_BYTES + b"0" * (evidence_files.MAX_BYTES)
    with pytest.raises(EvidenceFileError, match="10 MB or smaller"):
        check_upload(upload("big.pdf", data))


def test_a_file_of_exactly_ten_megabytes_is_accepted():
    data = PDF_BYTES + b"0" * (evidence_files.MAX_BYTES - len(PDF_BYTES))
    assert check_upload(upload("big.pdf", data)) is evidence_files.PDF


def test_stored_files_live_in_the_private_root_under_a_random_name(settings, tmp_path):
    settings.CAREBOOK_PRIVATE_ROOT = str(tmp_path / "private")
    name = evidence_files.store(upload("report.pdf", PDF_BYTES))
    assert name.isalnum() and "report" not in name
    assert (tmp_path / "private" / "audit-evidence" / name).read_bytes() == PDF_BYTES
    assert str(settings.MEDIA_ROOT) not in str(evidence_files.path_of(name))
    with pytest.raises(FileNotFoundError):
        evidence_files.path_of("../secrets")
