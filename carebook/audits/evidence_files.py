"""Uploaded evidence files: what type a file is (by its content), and where it is kept.

The type is read from the file's first bytes (and, for Word and Excel files, from the names
inside the zip), never from its name or the browser's say-so: an executable renamed
"report.pdf" starts with "MZ", not "%PDF-", and is refused. The file's name must then agree
with what it is, so that nobody downloads a "report.pdf" that opens as something else.

Files are kept under settings.CAREBOOK_PRIVATE_ROOT, which is never served as media, with a
random name; only the download view hands them out.
"""

import contextlib
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "audit-evidence"


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileType("plain text", "text/plain; charset=utf-8", (".txt",))
CSV = FileType("CSV file", "text/csv; charset=utf-8", (".csv",))

PERMITTED = "PDF, Word (.docx), Excel (.xlsx), PNG, JPEG, plain text (.txt) or CSV"
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.txt,.csv"


class EvidenceFileError(ValueError):
    """A file that cannot be kept as evidence; the message says why and what to do."""


def _zip_type(path_or_file) -> FileType | None:
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    # A cut in the middle of a multi-byte character at the end of the sample is not an error.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text.lstrip("\ufeff"))


def sniff(upload) -> FileType | None:
    """The permitted type this file's content is, or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    result = None
    if head.startswith(b"%PDF-"):
        result = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        result = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        result = JPEG
    elif head.startswith(b"PK\x03\x04"):
        result = _zip_type(upload)
    elif _is_text(head):
        result = TEXT
    upload.seek(0)
    return result


def check_upload(upload) -> FileType:
    """The file's type, or EvidenceFileError saying why it cannot be kept."""
    name = upload.name or "the file"
    if upload.size is None or upload.size == 0:
        raise EvidenceFileError(f"“{name}” is empty. Choose a file that has something in it.")
    if upload.size > MAX_BYTES:
        megabytes = upload.size / (1024 * 1024)
        raise EvidenceFileError(
            f"“{name}” is {megabytes:.1f} MB. Evidence files must be 10 MB or smaller."
        )
    found = sniff(upload)
    if found is None:
        raise EvidenceFileError(
            f"“{name}” is not a type of file we can keep: its content is not {PERMITTED}. "
            "Save it as one of those types and upload it again."
        )
    extension = Path(name).suffix.lower()
    if found is TEXT and extension == ".csv":
        found = CSV
    if extension not in found.extensions:
        raise EvidenceFileError(
            f"“{name}” is named like {extension or 'a file without a type'} but its content is "
            f"{found.name}. Give it the right name (ending {found.extensions[0]}) or upload "
            "the right file."
        )
    return found


def text_of(upload, file_type: FileType) -> str:
    """The text of a plain text or CSV upload (for the personal data check); "" otherwise."""
    if file_type not in (TEXT, CSV):
        return ""
    upload.seek(0)
    data = upload.read(MAX_BYTES)
    upload.seek(0)
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def evidence_root() -> Path:
    return Path(settings.CAREBOOK_PRIVATE_ROOT) / FOLDER


def store(upload) -> str:
    """Write the file under a new random name and return that name."""
    root = evidence_root()
    root.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    upload.seek(0)
    with (root / stored_name).open("xb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return stored_name


def path_of(stored_name: str) -> Path:
    if not stored_name or not stored_name.isalnum():
        raise FileNotFoundError(stored_name)
    return evidence_root() / stored_name


def delete_stored(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_name).unlink()
