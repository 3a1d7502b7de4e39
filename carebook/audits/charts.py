"""Report charts drawn on the server as SVG: no JavaScript, and the same in the PDF.

Each chart is an image with a title and a description (`role="img"`, `aria-labelledby`), and
the page shows a table of the same figures beside it, which is what screen readers and
people who cannot tell the bars apart read. Colours are presentation attributes (the content
security policy allows no inline styles) from the GOV.UK palette, at 3:1 or more against white.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .reports import Report, score_text

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#b1b4b6"

LABEL_WIDTH = 150
PLOT_WIDTH = 420
ROW_HEIGHT = 28
TOP = 8
AXIS_HEIGHT = 34


def _svg(*, chart_id: str, title: str, description: str, height: int, body: str) -> SafeString:
    width = LABEL_WIDTH + PLOT_WIDTH + 40
    return format_html(
        '<svg class="carebook-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="Helvetica, Arial, sans-serif" '
        'font-size="14"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        body=mark_safe(body),  # noqa: S308 - built below from escaped parts only
    )


def _x(value: float, maximum: int) -> float:
    return LABEL_WIDTH + (value / maximum * PLOT_WIDTH if maximum else 0)


def _axis(maximum: int, bottom: int) -> str:
    parts = [
        f'<line x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" y2="{bottom}" '
        f'stroke="{GREY}" stroke-width="1"/>'
    ]
    for tick in range(0, maximum + 1):
        x = _x(tick, maximum)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="{GREY}"/>'
            f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="middle" fill="{DARK}">{tick}</text>'
        )
    return "".join(parts)


def _label(text: str, y: float) -> str:
    shown = text if len(text) <= 20 else text[:19] + "…"
    return (
        f'<text x="{LABEL_WIDTH - 8}" y="{y:.1f}" text-anchor="end" fill="{DARK}">'
        f"{escape(shown)}</text>"
    )


def section_scores_chart(report: Report) -> SafeString:
    """One bar per section: the mean of the participants' section scores."""
    maximum = report.max_value
    rows = report.sections
    bottom = TOP + ROW_HEIGHT * len(rows)
    parts = []
    for index, summary in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        parts.append(_label(f"{summary.section.ref} {summary.section.name}", y + 18))
        if summary.mean is not None:
            width = _x(summary.mean, maximum) - LABEL_WIDTH
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" '
                f'height="{ROW_HEIGHT - 8}" fill="{BLUE}"/>'
                f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 18}" fill="{DARK}">'
                f"{score_text(summary.mean)}</text>"
            )
        else:
            parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{y + 18}" fill="{GREY}">No score</text>')
    parts.append(_axis(maximum, bottom))
    described = "; ".join(
        f"{s.section.ref} {s.section.name}: {score_text(s.mean)}" for s in report.sections
    )
    return _svg(
        chart_id="section-scores-chart",
        title="Mean section scores across participants",
        description=f"Scale 0 to {maximum}. {described}.",
        height=bottom + AXIS_HEIGHT,
        body="".join(parts),
    )


def spread_chart(report: Report) -> SafeString:
    """For the items where participants disagree most: a line from the lowest to the highest
    value, and a dot at the mean."""
    maximum = report.max_value
    spreads = report.spread_chart
    bottom = TOP + ROW_HEIGHT * max(len(spreads), 1)
    parts = []
    for index, spread in enumerate(spreads):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        parts.append(_label(spread.item.ref, y + 5))
        low, high = _x(spread.lowest, maximum), _x(spread.highest, maximum)
        parts.append(
            f'<line x1="{low:.1f}" y1="{y:.1f}" x2="{high:.1f}" y2="{y:.1f}" '
            f'stroke="{GREY}" stroke-width="4" stroke-linecap="round"/>'
            f'<circle cx="{_x(spread.mean, maximum):.1f}" cy="{y:.1f}" r="6" fill="{BLUE}"/>'
        )
    if not spreads:
        parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{TOP + 18}" fill="{GREY}">No ratings</text>')
    parts.append(_axis(maximum, bottom))
    described = "; ".join(
        f"{s.item.ref}: from {s.lowest} to {s.highest}, mean {score_text(s.mean)}" for s in spreads
    )
    return _svg(
        chart_id="spread-chart",
        title="Where the participants' ratings are furthest apart",
        description=f"Lowest to highest value, with the mean, scale 0 to {maximum}. {described}.",
        height=bottom + AXIS_HEIGHT,
        body="".join(parts),
    )
