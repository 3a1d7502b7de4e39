"""The board report as files: PDF (WeasyPrint), XLSX (openpyxl), DOCX (python-docx), and the
responses as CSV.

Text that people typed goes into spreadsheets, so every text cell that a spreadsheet program
would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is
written with a leading apostrophe: it shows as typed and never runs (`safe_cell`).
"""

from __future__ import annotations

import csv
import io
import re

from django.template.loader import render_to_string
from django.utils import timezone

from . import charts
from .reports import RESPONSE_COLUMNS, Report, response_rows, score_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters that XML 1.0 (and so XLSX and DOCX) cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def safe_cell(value):
    """A value that a spreadsheet shows as it is: numbers stay numbers; text that could be
    read as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    text = _XML_ILLEGAL.sub("", str(value))
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def filename(report: Report, extension: str) -> str:
    return audit_filename(report.audit, extension)


def audit_filename(audit, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", audit.title.lower()).strip("-") or "audit"
    return f"{slug}-report.{extension}"


def _score(value: float | None):
    return round(value, 2) if value is not None else ""


# Tables, shared by XLSX and DOCX ------------------------------------------------------------


def grid_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["Organisation", *[item.ref for item in report.items]]
    rows = [
        [row.participant.organisation.name]
        + [cell.rating.text + (" (moderated)" if cell.is_moderated else "") for cell in row.cells]
        for row in report.rows
    ]
    return header, rows


def scores_table(report: Report) -> tuple[list[str], list[list]]:
    header = [
        "Organisation",
        *[f"{s.section.ref} {s.section.name}" for s in report.sections],
        "Overall",
    ]
    rows = [
        [row.participant.organisation.name]
        + [_score(score) for score in row.section_scores]
        + [_score(row.overall)]
        for row in report.rows
    ]
    rows.append(["Mean", *[_score(s.mean) for s in report.sections], ""])
    return header, rows


def spread_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["Item", "Statement", "Answers", "Lowest", "Highest", "Range", "Mean"]
    header += [level.text for level in report.levels]
    rows = [
        [
            s.item.ref,
            s.item.statement,
            len(s.values),
            s.lowest if s.lowest is not None else "",
            s.highest if s.highest is not None else "",
            s.range,
            _score(s.mean),
            *[count for _, count in s.counts],
        ]
        for s in report.spreads
    ]
    return header, rows


def moderation_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["Organisation", "Item", "Self rating", "Moderated rating", "Change"]
    rows = [
        [
            m.participant.organisation.name,
            m.item.ref,
            m.cell.self_rating.text,
            m.cell.moderated.text,
            m.direction,
        ]
        for m in report.moderations
    ]
    return header, rows


def actions_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["Action", "Items", "Owners", "Named owner", "Due", "Status", "Overdue"]
    rows = [
        [
            row.action.description,
            ", ".join(row.item_refs),
            ", ".join(row.owners),
            row.action.owner_name,
            row.action.due_date.isoformat(),
            row.action.get_status_display(),
            "Overdue" if row.overdue else "",
        ]
        for row in report.actions
    ]
    return header, rows


def comparison_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["Item", "Previous mean", "Mean now", "Change", "Moved up", "Moved down"]
    if report.comparison is None:
        return header, []
    rows = [
        [
            change.item.ref,
            _score(change.previous_mean),
            _score(change.current_mean),
            _score(change.change),
            len(change.moved_up),
            len(change.moved_down),
        ]
        for change in report.comparison.items
    ]
    return header, rows


def responses_table(report: Report) -> tuple[list[str], list[list]]:
    rows = response_rows(audit=report.audit)
    return [label for _, label in RESPONSE_COLUMNS], [
        [row[key] for key, _ in RESPONSE_COLUMNS] for row in rows
    ]


# CSV ------------------------------------------------------------------------------------------


def responses_csv(report: Report) -> bytes:
    header, rows = responses_table(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    # With a byte order mark, spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# XLSX -----------------------------------------------------------------------------------------


def board_report_xlsx(report: Report) -> bytes:
    """One sheet per view: grid, scores, spread, self against moderated, actions, comparison,
    responses. Written in openpyxl's write-only mode, which streams rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = [
        ("Grid", grid_table(report)),
        ("Scores", scores_table(report)),
        ("Spread", spread_table(report)),
        ("Self and moderated", moderation_table(report)),
        ("Actions", actions_table(report)),
        ("Comparison", comparison_table(report)),
        ("Responses", responses_table(report)),
    ]
    for title, (header, rows) in sheets:
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "B2"
        heading = []
        for value in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    workbook.properties.title = f"{report.audit.title}: board report"
    workbook.properties.creator = "Carebook"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# DOCX -----------------------------------------------------------------------------------------


def _docx_table(document, header: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, header, strict=True):
        cell.text = _XML_ILLEGAL.sub("", str(value))
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _XML_ILLEGAL.sub("", str(value))


def board_report_docx(report: Report) -> bytes:
    """The board report for editing in a word processor: the figures as tables (the full grid
    of ratings is in the spreadsheet)."""
    from docx import Document

    audit = report.audit
    document = Document()
    document.core_properties.title = f"{audit.title}: board report"
    document.core_properties.author = audit.lead_organisation.name
    document.add_heading(f"{audit.title}: board report", level=0)
    document.add_paragraph(
        f"{audit.lead_organisation.name}. {audit.framework_version.name} "
        f"(version {audit.framework_version.version}). Period "
        f"{audit.period_start:%-d %B %Y} to {audit.period_end:%-d %B %Y}. "
        f"{len(report.rows)} participants. Status: {audit.get_status_display()}. "
        f"Made on {timezone.localdate():%-d %B %Y}."
    )
    if audit.lead_organisation.is_demo:
        document.add_paragraph("Demo content — not for practice.")
    document.add_paragraph(
        "An item's value is the moderated rating where there is one, else the self rating; "
        "not applicable is left out; a section's score is the mean of its items' values."
    )
    for heading, table in (
        ("Section scores", scores_table(report)),
        ("Where participants disagree most", spread_table(report)),
        ("Self and moderated ratings", moderation_table(report)),
        ("Action plan", actions_table(report)),
        ("Since the previous cycle", comparison_table(report)),
    ):
        document.add_heading(heading, level=1)
        header, rows = table
        if rows:
            _docx_table(document, header, rows)
        else:
            document.add_paragraph("Nothing to show.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PDF ------------------------------------------------------------------------------------------


def board_report_pdf_html(report: Report, *, today=None) -> str:
    """The HTML that WeasyPrint turns into the board report's PDF: the dashboard's content,
    the same for every reader (nothing in it depends on who asks)."""
    from carebook.core.demo import DEMO_MARK
    from carebook.manuals.pdf import LANGUAGE, css_string, long_date

    from .reports import PUBLISHED_STATUSES

    audit = report.audit
    today = today or timezone.localdate()
    stamp = f"{audit.lead_organisation.name} · {audit.title} · board report"
    if audit.lead_organisation.is_demo:
        stamp += " · Demo content — not for practice"
    return render_to_string(
        "audits/reports/pdf.html",
        {
            "audit": audit,
            "report": report,
            "published": audit.status in PUBLISHED_STATUSES,
            "is_demo": audit.lead_organisation.is_demo,
            "demo_mark": DEMO_MARK,
            "language": LANGUAGE,
            "made_on": long_date(today),
            "css_header": css_string(stamp),
            "css_made_on": css_string(f"Made on {long_date(today)}"),
            "section_chart": charts.section_scores_chart(report),
            "spread_chart": charts.spread_chart(report),
            "score_text": score_text,
        },
    )


def board_report_pdf(html: str):
    """The board report's HTML as a tagged PDF (see carebook/manuals/pdf.py): a `BuiltPdf`.

    Slow for a large audit (about 18 s for 150 participants), so it is made by a background
    task and kept: see report_pdf.py.
    """
    from carebook.manuals.pdf import write_pdf

    return write_pdf(html, base_url="/")
