"""Run axe-core (from npm) in a Playwright page and report WCAG 2.2 A/AA violations."""

from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page, within: str | None = None) -> list[dict]:
    """Violations on the whole page, or only inside the elements matching the CSS `within`
    (for our own parts of a page whose frame we do not control, such as Wagtail's editor)."""
    # evaluate() runs through the DevTools protocol, so the page's strict CSP does not block it.
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        """async ([tags, within]) => {
            const context = within ? {include: [within]} : document;
            const r = await axe.run(context, {runOnly: {type: 'tag', values: tags}});
            // GOV.UK Frontend's conditional reveal puts aria-expanded on the radio that
            // reveals: invalid ARIA, kept on purpose because screen readers announce it
            // (alphagov/govuk-frontend#979, a documented known issue). Allow only that.
            const revealing = '.govuk-radios__input[aria-controls], '
                + '.govuk-checkboxes__input[aria-controls]';
            const reveal = (n) => document.querySelector(n.target.join(' '))?.matches(revealing);
            for (const v of r.violations) {
                if (v.id === 'aria-allowed-attr') v.nodes = v.nodes.filter(n => !reveal(n));
            }
            return r.violations.filter(v => v.nodes.length).map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        [WCAG_TAGS, within],
    )
    return result


def assert_accessible(page, within: str | None = None) -> None:
    violations = axe_violations(page, within)
    place = f"{page.url} (inside {within})" if within else page.url
    assert not violations, f"axe found WCAG problems on {place}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )
