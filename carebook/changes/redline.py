"""Word-level redlines between two versions, section by section, readable without colour."""

import difflib
import html
import re
from dataclasses import dataclass

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class SectionChange:
    status: str  # "unchanged", "changed", "added", "removed"
    heading: str
    old_heading: str
    html: str

    @property
    def renamed(self) -> bool:
        return bool(self.old_heading) and self.old_heading != self.heading


def _paragraphs(text: str) -> str:
    return "".join(f"<p class='govuk-body'>{line}</p>" for line in text.split("\n") if line)


def _mark(tag: str, words: str) -> str:
    label = "Added" if tag == "ins" else "Removed"
    escaped = html.escape(words)
    # Each line keeps its own marks so that paragraphs stay paragraphs.
    return "\n".join(
        f'<{tag}><span class="govuk-visually-hidden">{label}: </span>{part}</{tag}>'
        if part.strip()
        else part
        for part in escaped.split("\n")
    )


def word_diff(old: str, new: str) -> str:
    """HTML paragraphs of `new`, with <ins> for added words and <del> for removed ones."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            out.append(_mark("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(_mark("ins", "".join(b[j1:j2])))
    return _paragraphs("".join(out))


def redline(old_sections: list[dict], new_sections: list[dict]) -> list[SectionChange]:
    """Compare two versions' sections by their stable ids, in the new version's order."""
    old_by_id = {section["id"]: section for section in old_sections}
    new_ids = {section["id"] for section in new_sections}
    changes: list[SectionChange] = []
    for section in new_sections:
        before = old_by_id.get(section["id"])
        if before is None:
            changes.append(
                SectionChange("added", section["heading"], "", word_diff("", section["text"]))
            )
            continue
        same = before["text"] == section["text"] and before["heading"] == section["heading"]
        changes.append(
            SectionChange(
                "unchanged" if same else "changed",
                section["heading"],
                before["heading"],
                _paragraphs(html.escape(section["text"]))
                if same
                else word_diff(before["text"], section["text"]),
            )
        )
    for section in old_sections:
        if section["id"] not in new_ids:
            changes.append(
                SectionChange(
                    "removed",
                    section["heading"],
                    section["heading"],
                    word_diff(section["text"], ""),
                )
            )
    return changes
