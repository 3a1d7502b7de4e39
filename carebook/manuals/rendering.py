"""The one render path: a procedure version plus local amendments becomes what readers see.

HTML pages, print, PDF, "as it stood on" and the search index all come from `render_procedure`.
A plain procedure is the case with no local amendments.
"""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from django.core.cache import cache
from django.utils.text import slugify
from wagtail.rich_text import expand_db_html

ALLOWED_TAGS = {"p", "h3", "h4", "ul", "ol", "li", "strong", "b", "em", "i", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def clean_html(raw: str) -> str:
    """Sanitise rich text for storage in a version: our whitelist, safe links only."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "li", "h3", "h4", "br", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    lines = (
        re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


def anchors_for(headings: list[str]) -> list[str]:
    """Readable, unique page anchors from section headings."""
    seen: dict[str, int] = {}
    anchors = []
    for heading in headings:
        base = slugify(heading) or "section"
        count = seen.get(base, 0) + 1
        seen[base] = count
        anchors.append(base if count == 1 else f"{base}-{count}")
    return anchors


def sections_from_body(body) -> list[dict]:
    """Version sections from a procedure's StreamField, keeping each block's UUID."""
    blocks = [block for block in body if block.block_type == "section"]
    headings = [block.value["heading"] for block in blocks]
    sections = []
    for block, anchor in zip(blocks, anchors_for(headings), strict=True):
        fragment = clean_html(expand_db_html(block.value["content"].source))
        sections.append(
            {
                "id": str(block.id),
                "heading": block.value["heading"],
                "anchor": anchor,
                "html": fragment,
                "text": html_to_text(fragment),
            }
        )
    return sections


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    abbreviations: tuple[str, ...]
    definition: str
    anchor: str


@dataclass
class RenderedSection:
    origin: str  # "national" or "local"
    anchor: str
    heading: str
    html: str
    text: str
    section_id: str = ""
    organisation_slug: str = ""
    organisation_name: str = ""
    flags: list[str] = field(default_factory=list)
    is_amendment: bool = False
    # For an amendment whose national section changed: that section's word redline (HTML).
    anchor_redline: str = ""


@dataclass
class RenderedProcedure:
    title: str
    summary: str
    sections: list[RenderedSection]
    scope_html: str
    version: object

    @property
    def contents(self) -> list[tuple[str, str]]:
        return [(section.anchor, section.heading) for section in self.sections]

    @property
    def text(self) -> str:
        """Plain text of what the reader sees, for the search index."""
        return "\n\n".join(f"{s.heading}\n{s.text}" for s in self.sections)


class _GlossaryLinker(HTMLParser):
    """Wraps the first use of each glossary term in a link to its definition.

    Works on text outside links and headings only, so that markup and existing links are kept.
    """

    SKIP = {"a", "h3", "h4"}

    def __init__(self, patterns: list[tuple[re.Pattern, GlossaryEntry]], href: str, used: set[str]):
        super().__init__(convert_charrefs=False)
        self.patterns = patterns
        self.href = href
        self.used = used
        self.out: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        self.out.append(f"</{tag}>")

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_data(self, data):
        if self.skip_depth:
            self.out.append(data)
            return
        for pattern, entry in self.patterns:
            if entry.anchor in self.used:
                continue
            match = pattern.search(data)
            if match:
                self.used.add(entry.anchor)
                before, word, after = data[: match.start()], match.group(0), data[match.end() :]
                self.handle_data(before)
                self.out.append(
                    f'<a class="govuk-link carebook-glossary-link" '
                    f'href="{html.escape(self.href)}#{entry.anchor}" '
                    f'title="{html.escape(entry.definition, quote=True)}">{word}</a>'
                )
                self.handle_data(after)
                return
        self.out.append(data)


def _glossary_patterns(glossary: list[GlossaryEntry]) -> list[tuple[re.Pattern, GlossaryEntry]]:
    patterns = []
    for entry in glossary:
        # Terms match in any case; abbreviations only as written (CIN, not "cin").
        alternatives = [f"(?i:{re.escape(entry.term)})"] + [
            re.escape(a) for a in sorted(entry.abbreviations, key=len, reverse=True) if a
        ]
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")
        patterns.append((pattern, entry))
    return patterns


def link_glossary_terms(
    sections: list[RenderedSection], glossary: list[GlossaryEntry], href: str
) -> None:
    """Link the first use of each term on the page (across all sections) to its definition."""
    if not glossary:
        return
    patterns = _glossary_patterns(glossary)
    used: set[str] = set()
    for section in sections:
        linker = _GlossaryLinker(patterns, href, used)
        linker.feed(section.html)
        linker.close()
        section.html = "".join(linker.out)


def _amendment_section(amendment: dict, flags: list[str]) -> RenderedSection:
    own = amendment.get("flags") or []
    flags = list(dict.fromkeys([*own, *flags])) if flags else list(own)
    return RenderedSection(
        origin="local",
        anchor=f"local-{amendment['id']}",
        heading=amendment.get("heading", ""),
        html=amendment["html"],
        text=amendment.get("text") or html_to_text(amendment["html"]),
        organisation_slug=amendment["organisation_slug"],
        organisation_name=amendment["organisation_name"],
        flags=flags,
        is_amendment=True,
        anchor_redline=amendment.get("anchor_redline", ""),
    )


def merge_amendments(sections: list[RenderedSection], amendments) -> list[RenderedSection]:
    """Place local amendments around the sections they are anchored to.

    Each amendment is a dict with id, position ("before", "after", "replace" or "end"),
    anchor_section_id (for the first three), html, heading, organisation_slug and
    organisation_name. An amendment whose anchor is not on the page is never dropped: it goes
    to the end, flagged, until an editor re-anchors it.
    """
    if not amendments:
        return sections
    present = {section.section_id for section in sections}
    # position -> anchor section id -> the amendments placed there, in their order.
    placed: dict[str, dict[str, list[RenderedSection]]] = {"before": {}, "replace": {}, "after": {}}
    at_end: list[RenderedSection] = []
    for amendment in amendments:
        position = amendment["position"]
        anchor = amendment.get("anchor_section_id") or ""
        if position == "end" or position not in placed:
            at_end.append(_amendment_section(amendment, []))
        elif anchor in present:
            placed[position].setdefault(anchor, []).append(_amendment_section(amendment, []))
        else:
            at_end.append(_amendment_section(amendment, ["anchor-vanished"]))
    before, replace, after = placed["before"], placed["replace"], placed["after"]
    merged: list[RenderedSection] = []
    for section in sections:
        key = section.section_id
        if key in before:
            merged += before[key]
        merged += replace.get(key) or [section]
        if key in after:
            merged += after[key]
    return merged + at_end


def render_procedure(
    *,
    version,
    amendments: list | tuple = (),
    organisation,
    glossary: list[GlossaryEntry] | None = None,
    glossary_href: str = "",
    national: bool | None = None,
) -> RenderedProcedure:
    """What a reader sees of `version`, merged with local `amendments` (none for a plain one).

    Sections of a publisher's procedure, and the pinned national version of a derived one
    (`national=True`), are national; a plain procedure of any other organisation is local
    content of that organisation.
    """
    if national is None:
        national = organisation.is_publisher
    origin = "national" if national else "local"
    sections = [
        RenderedSection(
            origin=origin,
            anchor=section["anchor"],
            heading=section["heading"],
            html=section["html"],
            text=section["text"],
            section_id=section["id"],
            organisation_slug=organisation.slug,
            organisation_name=organisation.name,
        )
        for section in version.sections
    ]
    sections = merge_amendments(sections, amendments)
    if glossary:
        link_glossary_terms(sections, glossary, glossary_href)
    return RenderedProcedure(
        title=version.title,
        summary=version.summary,
        sections=sections,
        scope_html=version.scope_html,
        version=version,
    )


# Bump when the rendering itself changes, so that entries made by older code are never read.
RENDER_CACHE_VERSION = 2
RENDER_CACHE_SECONDS = 24 * 60 * 60


def render_cache_key(
    *,
    version,
    amendments,
    organisation,
    glossary: list[GlossaryEntry],
    glossary_href: str,
    national: bool | None = None,
) -> str | None:
    """The cache key of a rendering, or None when it must not be cached (an unsaved version).

    A saved version never changes, so its id stands for its sections; everything else the
    output depends on (the organisation's name, slug and role, the amendments, the glossary
    and its link) is hashed into the key. A changed glossary term or organisation name gives
    a new key, so a stale rendering can never be served.
    """
    if getattr(version, "pk", None) is None:
        return None
    inputs = {
        # The id alone would do in production (versions are never deleted), but a database
        # that rolls back can hand the same id to another version.
        "version": [
            getattr(version, name, None) for name in ("procedure_id", "number", "published_at")
        ],
        "organisation": [organisation.slug, organisation.name, bool(organisation.is_publisher)],
        "amendments": list(amendments),
        "glossary": [
            [entry.term, list(entry.abbreviations), entry.definition, entry.anchor]
            for entry in glossary
        ],
        "href": glossary_href,
        "national": national,
    }
    digest = hashlib.sha256(
        json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return f"carebook:render:{RENDER_CACHE_VERSION}:{version.pk}:{digest}"


def render_procedure_cached(
    *,
    version,
    amendments: list | tuple = (),
    organisation,
    glossary: list[GlossaryEntry] | None = None,
    glossary_href: str = "",
    national: bool | None = None,
) -> RenderedProcedure:
    """`render_procedure`, with the rendered sections kept in the cache (see render_cache_key).

    Glossary linking parses every section and tries every term on it, which is most of the
    server time of a procedure page; versions are immutable, so the result can be reused.
    """
    glossary = glossary or []
    key = render_cache_key(
        version=version,
        amendments=amendments,
        organisation=organisation,
        glossary=glossary,
        glossary_href=glossary_href,
        national=national,
    )
    sections = cache.get(key) if key else None
    if sections is None:
        rendered = render_procedure(
            version=version,
            amendments=amendments,
            organisation=organisation,
            glossary=glossary,
            glossary_href=glossary_href,
            national=national,
        )
        if key:
            cache.set(key, rendered.sections, RENDER_CACHE_SECONDS)
        return rendered
    return RenderedProcedure(
        title=version.title,
        summary=version.summary,
        sections=sections,
        scope_html=version.scope_html,
        version=version,
    )
