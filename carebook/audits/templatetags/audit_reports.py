"""Template helpers for the report: the participant × item grid is built here, in Python,
because it is the largest table on the page (150 participants × 40 items is 6,000 cells) and
a template loop per cell would cost most of the page's time."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from carebook.audits.reports import Cell, Report, score_text

register = template.Library()


def _cell_html(cell: Cell) -> str:
    rating = cell.rating
    if rating.level is not None:
        colour = rating.level.colour or "grey"
        inner = (
            f'<strong class="govuk-tag govuk-tag--{colour} carebook-grid__tag">'
            f"{escape(rating.text)}</strong>"
        )
    elif rating.not_applicable:
        inner = '<span class="carebook-grid__na">Not applicable</span>'
    else:
        inner = (
            '<span aria-hidden="true">—</span>'
            '<span class="govuk-visually-hidden">Not answered</span>'
        )
    if cell.is_moderated:
        inner += (
            '<span class="carebook-grid__note">Moderated; self: '
            f"{escape(cell.self_rating.text)}</span>"
        )
    return f'<td class="govuk-table__cell carebook-grid__cell">{inner}</td>'


@register.simple_tag
def report_grid_rows(report: Report) -> SafeString:
    rows = []
    for row in report.rows:
        cells = "".join(_cell_html(cell) for cell in row.cells)
        rows.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f"{escape(row.participant.organisation.name)}</th>{cells}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def _td(text: str, numeric: bool = False) -> str:
    modifier = " govuk-table__cell--numeric" if numeric else ""
    return f'<td class="govuk-table__cell{modifier}">{escape(text)}</td>'


@register.simple_tag
def report_score_rows(report: Report) -> SafeString:
    rows = []
    for row in report.rows:
        cells = "".join(_td(score_text(value), numeric=True) for value in row.section_scores)
        rows.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f"{escape(row.participant.organisation.name)}</th>{cells}"
            f"{_td(score_text(row.overall), numeric=True)}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


DIRECTIONS = {"up": " (raised)", "down": " (lowered)"}


@register.simple_tag
def report_moderation_rows(report: Report) -> SafeString:
    rows = []
    for moderation in report.moderations:
        moderated = moderation.cell.moderated.text + DIRECTIONS.get(moderation.direction, "")
        rows.append(
            '<tr class="govuk-table__row">'
            f"{_td(moderation.participant.organisation.name)}{_td(moderation.item.ref)}"
            f"{_td(moderation.cell.self_rating.text)}{_td(moderated)}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.filter
def score(value) -> str:
    return score_text(value)


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}"
