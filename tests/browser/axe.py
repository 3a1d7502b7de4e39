"""Run axe-core (from npm) in a Playwright page and report WCAG 2.2 A/AA violations."""

from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    # evaluate() runs through the DevTools protocol, so the page's strict CSP does not block it.
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        WCAG_TAGS,
    )
    return result


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG problems on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )
