"""The board report of an audit: grid, scores, spread, self against moderated, actions, and the
comparison with the previous cycle.

`build_report` reads everything in a fixed number of queries, whatever the number of
participants (each is one bulk read of a table, turned into plain values here), and the rest is
arithmetic in Python. The dashboard, its charts and every export are made from the `Report` it
returns, so they always agree.

Scores (ARCHITECTURE.md, "Self-audit"): an item's value is the moderated rating where there is
one, else the self rating; not applicable is left out; a section's score is the mean of its
items' values. A moderated "not applicable" takes the item out, as a self one does. An answer
carried forward from the previous cycle and not yet confirmed counts as not answered.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from .models import (
    Action,
    ActionStatus,
    Audit,
    Item,
    ModeratedRating,
    Participant,
    Response,
    ScaleLevel,
    Section,
)

# Statuses in which an audit's report can be read by its participants and leaders.
PUBLISHED_STATUSES = ("report_published", "closed")
# The most-disputed items drawn in the spread chart (the table beside it has them all).
SPREAD_CHART_ITEMS = 10


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    colour: str

    @property
    def text(self) -> str:
        return f"{self.value} {self.label}"


@dataclass(frozen=True)
class Rating:
    """One rating: a level, or not applicable."""

    level: Level | None
    not_applicable: bool = False

    @property
    def value(self) -> int | None:
        return None if self.not_applicable or self.level is None else self.level.value

    @property
    def text(self) -> str:
        if self.not_applicable:
            return "Not applicable"
        return self.level.text if self.level else "Not answered"


NOT_ANSWERED = Rating(level=None)
NOT_APPLICABLE = Rating(level=None, not_applicable=True)


@dataclass(frozen=True)
class Cell:
    """A participant's answer to an item: its self rating and any moderated rating."""

    self_rating: Rating = NOT_ANSWERED
    moderated: Rating | None = None

    @property
    def rating(self) -> Rating:
        """The rating that counts: moderated where there is one, else self."""
        return self.moderated if self.moderated is not None else self.self_rating

    @property
    def value(self) -> int | None:
        return self.rating.value

    @property
    def is_moderated(self) -> bool:
        return self.moderated is not None


EMPTY_CELL = Cell()


def mean(values: list[float | int | None]) -> float | None:
    """The mean of the values that are not None, or None if there are none."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def section_score(cells: list[Cell]) -> float | None:
    """The mean of the items' values; not applicable and not answered are left out."""
    return mean([cell.value for cell in cells])


@dataclass(frozen=True)
class Spread:
    """How far the participants' values for one item are apart."""

    item: Item
    values: tuple[int, ...]
    counts: tuple[tuple[Level, int], ...]

    @property
    def lowest(self) -> int | None:
        return min(self.values) if self.values else None

    @property
    def highest(self) -> int | None:
        return max(self.values) if self.values else None

    @property
    def range(self) -> int:
        return (self.highest - self.lowest) if self.values else 0

    @property
    def deviation(self) -> float:
        return statistics.pstdev(self.values) if len(self.values) > 1 else 0.0

    @property
    def mean(self) -> float | None:
        return mean(list(self.values))


def spread_of(item: Item, values: list[int | None], levels: list[Level]) -> Spread:
    present = tuple(value for value in values if value is not None)
    counted = Counter(present)
    return Spread(
        item=item,
        values=present,
        counts=tuple((level, counted.get(level.value, 0)) for level in levels),
    )


def most_disputed(spreads: list[Spread]) -> list[Spread]:
    """Widest range first, then the larger standard deviation, then framework order."""
    return sorted(spreads, key=lambda s: (-s.range, -s.deviation, s.item.position))


@dataclass(frozen=True)
class Moderation:
    """A moderated rating beside the self rating it replaced."""

    participant: Participant
    item: Item
    cell: Cell

    @property
    def direction(self) -> str:
        before, after = self.cell.self_rating.value, self.cell.moderated.value
        if before is None or after is None:
            return "changed" if before != after else "same"
        return "up" if after > before else "down" if after < before else "same"


@dataclass
class ParticipantRow:
    participant: Participant
    cells: list[Cell]
    section_scores: list[float | None]
    overall: float | None


@dataclass
class SectionSummary:
    section: Section
    items: list[Item]
    mean: float | None
    lowest: float | None
    highest: float | None


@dataclass(frozen=True)
class ActionRow:
    action: Action
    item_refs: tuple[str, ...]
    owners: tuple[str, ...]
    overdue: bool
    carried_forward: bool


@dataclass(frozen=True)
class ItemChange:
    """One item across two cycles, matched by ref: the mean value, and who moved."""

    item: Item
    previous_mean: float | None
    current_mean: float | None
    moved_up: tuple[str, ...]
    moved_down: tuple[str, ...]

    @property
    def change(self) -> float | None:
        if self.previous_mean is None or self.current_mean is None:
            return None
        return self.current_mean - self.previous_mean


@dataclass
class Comparison:
    previous: Audit
    items: list[ItemChange]
    new_items: list[Item]
    moved_up: int
    moved_down: int
    new_actions: list[ActionRow]
    closed_actions: list[ActionRow]

    @property
    def up(self) -> list[ItemChange]:
        return sorted(
            (c for c in self.items if c.change is not None and c.change > 0),
            key=lambda c: -c.change,
        )

    @property
    def down(self) -> list[ItemChange]:
        return sorted(
            (c for c in self.items if c.change is not None and c.change < 0),
            key=lambda c: c.change,
        )


@dataclass
class Report:
    audit: Audit
    levels: list[Level]
    sections: list[SectionSummary]
    items: list[Item]
    rows: list[ParticipantRow]
    spreads: list[Spread]
    moderations: list[Moderation]
    actions: list[ActionRow]
    comparison: Comparison | None
    today: dt.date
    max_value: int = field(default=0)

    @property
    def overdue_actions(self) -> list[ActionRow]:
        return [row for row in self.actions if row.overdue]

    @property
    def spread_chart(self) -> list[Spread]:
        return [s for s in self.spreads if s.values][:SPREAD_CHART_ITEMS]

    @property
    def moderation_counts(self) -> dict[str, int]:
        counted = Counter(m.direction for m in self.moderations)
        return {key: counted.get(key, 0) for key in ("up", "down", "same", "changed")}


# Reading the database ---------------------------------------------------------------------------


def _levels(framework_version_id: int) -> tuple[list[Level], dict[int, Level]]:
    rows = ScaleLevel.objects.filter(framework_version_id=framework_version_id).order_by("value")
    by_id = {row.pk: Level(row.value, row.label, row.colour) for row in rows}
    return sorted(by_id.values(), key=lambda level: level.value), by_id


def _ratings(*, rows, levels_by_id: dict[int, Level]) -> dict[tuple[int, int], Rating]:
    # One Rating per level, shared by every answer at that level.
    shared = {rating_id: Rating(level=level) for rating_id, level in levels_by_id.items()}
    ratings = {}
    for participant_id, item_id, rating_id, not_applicable in rows:
        if not_applicable:
            ratings[participant_id, item_id] = NOT_APPLICABLE
        elif rating_id is not None:
            ratings[participant_id, item_id] = shared[rating_id]
    return ratings


def _cells(
    audit: Audit, levels_by_id: dict[int, Level] | None = None
) -> dict[tuple[int, int], Cell]:
    """(participant id, item id) → Cell for every answered or moderated item: two queries
    (three without `levels_by_id`)."""
    if levels_by_id is None:
        _, levels_by_id = _levels(audit.framework_version_id)
    self_ratings = _ratings(
        # order_by(): the models' default orderings would join and sort for nothing.
        rows=Response.objects.filter(participant__audit=audit, carried_forward=False)
        .order_by()
        .values_list("participant_id", "item_id", "rating_id", "not_applicable"),
        levels_by_id=levels_by_id,
    )
    moderated = _ratings(
        rows=ModeratedRating.objects.filter(participant__audit=audit)
        .order_by()
        .values_list("participant_id", "item_id", "rating_id", "not_applicable"),
        levels_by_id=levels_by_id,
    )
    cells = {
        key: Cell(self_rating=rating, moderated=moderated.get(key))
        for key, rating in self_ratings.items()
    }
    for key, rating in moderated.items():
        if key not in cells:
            cells[key] = Cell(moderated=rating)
    return cells


def _action_rows(audit: Audit, today: dt.date) -> list[ActionRow]:
    """The audit's actions with their items' refs and owners' names: three queries, reading
    the two many-to-many tables as plain values (no model per link)."""
    refs: dict[int, list[tuple[int, str]]] = {}
    for action_id, position, ref in (
        Action.items.through.objects.filter(action__audit=audit)
        .order_by()
        .values_list("action_id", "item__position", "item__ref")
    ):
        refs.setdefault(action_id, []).append((position, ref))
    owners: dict[int, list[str]] = {}
    for action_id, name in (
        Action.owners.through.objects.filter(action__audit=audit)
        .order_by()
        .values_list("action_id", "organisation__name")
    ):
        owners.setdefault(action_id, []).append(name)
    return [
        ActionRow(
            action=action,
            item_refs=tuple(ref for _, ref in sorted(refs.get(action.pk, []))),
            owners=tuple(sorted(owners.get(action.pk, []))),
            overdue=action.is_overdue(today),
            carried_forward=action.carried_from_id is not None,
        )
        for action in Action.objects.filter(audit=audit).order_by("due_date", "pk")
    ]


def _compare(
    *,
    audit: Audit,
    items: list[Item],
    rows: list[ParticipantRow],
    actions: list[ActionRow],
) -> Comparison | None:
    previous = audit.previous
    if previous is None:
        return None
    previous_items = {
        item.ref: item
        for item in Item.objects.filter(
            framework_version_id=previous.framework_version_id, assessable=True
        )
    }
    previous_cells = _cells(previous)
    previous_participants = dict(
        Participant.objects.filter(audit=previous).order_by().values_list("organisation_id", "pk")
    )
    changes, new_items = [], []
    moved_up = moved_down = 0
    for index, item in enumerate(items):
        before_item = previous_items.get(item.ref)
        if before_item is None:
            new_items.append(item)
            continue
        before_values, after_values, up, down = [], [], [], []
        for row in rows:
            after = row.cells[index].value
            participant_before = previous_participants.get(row.participant.organisation_id)
            before = (
                previous_cells.get((participant_before, before_item.pk), EMPTY_CELL).value
                if participant_before
                else None
            )
            after_values.append(after)
            before_values.append(before)
            if before is not None and after is not None:
                if after > before:
                    up.append(row.participant.organisation.name)
                elif after < before:
                    down.append(row.participant.organisation.name)
        moved_up += len(up)
        moved_down += len(down)
        changes.append(
            ItemChange(
                item=item,
                previous_mean=mean(before_values),
                current_mean=mean(after_values),
                moved_up=tuple(up),
                moved_down=tuple(down),
            )
        )
    return Comparison(
        previous=previous,
        items=changes,
        new_items=new_items,
        moved_up=moved_up,
        moved_down=moved_down,
        new_actions=[row for row in actions if not row.carried_forward],
        closed_actions=[row for row in actions if row.action.status == ActionStatus.VERIFIED],
    )


def build_report(*, audit: Audit, today: dt.date | None = None) -> Report:
    """Everything the dashboard and the exports show, in a fixed number of queries."""
    today = today or timezone.localdate()
    levels, levels_by_id = _levels(audit.framework_version_id)
    sections = list(Section.objects.filter(framework_version_id=audit.framework_version_id))
    items = list(
        Item.objects.filter(
            framework_version_id=audit.framework_version_id, assessable=True
        ).order_by("position")
    )
    participants = list(
        Participant.objects.filter(audit=audit)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    cells = _cells(audit, levels_by_id)
    items_by_section: dict[int, list[int]] = {}
    for index, item in enumerate(items):
        items_by_section.setdefault(item.section_id, []).append(index)
    sections = [section for section in sections if section.pk in items_by_section]
    sections.sort(key=lambda section: section.position)

    rows = []
    for participant in participants:
        row_cells = [cells.get((participant.pk, item.pk), EMPTY_CELL) for item in items]
        rows.append(
            ParticipantRow(
                participant=participant,
                cells=row_cells,
                section_scores=[
                    section_score([row_cells[i] for i in items_by_section[section.pk]])
                    for section in sections
                ],
                overall=section_score(row_cells),
            )
        )

    summaries = []
    for position, section in enumerate(sections):
        scores = [row.section_scores[position] for row in rows]
        present = [score for score in scores if score is not None]
        summaries.append(
            SectionSummary(
                section=section,
                items=[items[i] for i in items_by_section[section.pk]],
                mean=mean(present),
                lowest=min(present) if present else None,
                highest=max(present) if present else None,
            )
        )

    spreads = most_disputed(
        [
            spread_of(item, [row.cells[index].value for row in rows], levels)
            for index, item in enumerate(items)
        ]
    )
    moderations = [
        Moderation(participant=row.participant, item=items[index], cell=cell)
        for row in rows
        for index, cell in enumerate(row.cells)
        if cell.is_moderated
    ]
    actions = _action_rows(audit, today)
    return Report(
        audit=audit,
        levels=levels,
        sections=summaries,
        items=items,
        rows=rows,
        spreads=spreads,
        moderations=moderations,
        actions=actions,
        comparison=_compare(audit=audit, items=items, rows=rows, actions=actions),
        today=today,
        max_value=max((level.value for level in levels), default=0),
    )


def response_rows(*, audit: Audit) -> list[dict]:
    """Every answer with its text, for the responses sheet and CSV: two queries."""
    from .models import Evidence

    evidence: dict[int, list[str]] = {}
    for response_id, title, url in (
        Evidence.objects.filter(response__participant__audit=audit)
        .order_by("response_id", "added_at", "pk")
        .values_list("response_id", "title", "url")
    ):
        evidence.setdefault(response_id, []).append(f"{title} ({url})" if url else title)
    moderated = {
        (participant_id, item_id): (value, label, not_applicable, rationale)
        for participant_id, item_id, value, label, not_applicable, rationale in (
            ModeratedRating.objects.filter(participant__audit=audit).values_list(
                "participant_id",
                "item_id",
                "rating__value",
                "rating__label",
                "not_applicable",
                "rationale",
            )
        )
    }
    rows = []
    for values in (
        Response.objects.filter(participant__audit=audit)
        .order_by("participant__organisation__name", "item__position")
        .values(
            "pk",
            "participant_id",
            "item_id",
            "participant__organisation__name",
            "item__ref",
            "item__section__name",
            "rating__value",
            "rating__label",
            "not_applicable",
            "not_applicable_reason",
            "narrative",
            "sufficiency",
            "carried_forward",
        )
    ):
        moderation = moderated.get((values["participant_id"], values["item_id"]))
        rows.append(
            {
                "organisation": values["participant__organisation__name"],
                "section": values["item__section__name"],
                "item": values["item__ref"],
                "self_rating": _rating_text(
                    values["rating__value"], values["rating__label"], values["not_applicable"]
                ),
                "not_applicable_reason": values["not_applicable_reason"],
                "narrative": values["narrative"],
                "sufficiency": values["sufficiency"],
                "evidence": "; ".join(evidence.get(values["pk"], [])),
                "moderated_rating": _rating_text(*moderation[:3]) if moderation else "",
                "rationale": moderation[3] if moderation else "",
                "carried_forward": "Yes" if values["carried_forward"] else "No",
            }
        )
    return rows


RESPONSE_COLUMNS = (
    ("organisation", "Organisation"),
    ("section", "Section"),
    ("item", "Item"),
    ("self_rating", "Self rating"),
    ("not_applicable_reason", "Why not applicable"),
    ("narrative", "What we do"),
    ("sufficiency", "How do we know?"),
    ("evidence", "Evidence"),
    ("moderated_rating", "Moderated rating"),
    ("rationale", "Moderation rationale"),
    ("carried_forward", "Carried forward, not confirmed"),
)


def _rating_text(value: int | None, label: str | None, not_applicable: bool) -> str:
    if not_applicable:
        return "Not applicable"
    return f"{value} {label}" if value is not None else "Not answered"


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"
