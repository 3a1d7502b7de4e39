"""Report computation: scores (N/A left out, moderated over self), spread, comparison, and a
query count that does not grow with the participants."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carebook.audits import services_audits
from carebook.audits.models import ActionStatus, Item
from carebook.audits.reports import (
    NOT_APPLICABLE,
    Cell,
    Level,
    Rating,
    build_report,
    mean,
    most_disputed,
    section_score,
    spread_of,
)
from carebook.organisations.models import Organisation

from .conftest import PARTNERSHIP
from .reporting import add_action, answer, moderate

LOW, MID, HIGH = Level(1, "Not in place", "red"), Level(2, "Emerging", "orange"), Level(4, "E", "")


def rated(level: Level) -> Rating:
    return Rating(level=level)


class TestScores:
    def test_mean_leaves_out_none(self):
        assert mean([1, None, 3]) == 2
        assert mean([None, None]) is None
        assert mean([]) is None

    def test_not_applicable_is_left_out_of_the_section_score(self):
        cells = [Cell(rated(LOW)), Cell(NOT_APPLICABLE), Cell(rated(HIGH)), Cell()]
        assert section_score(cells) == 2.5

    def test_the_moderated_rating_overrides_the_self_rating(self):
        cell = Cell(self_rating=rated(HIGH), moderated=rated(LOW))
        assert cell.value == 1
        assert cell.rating.text == "1 Not in place"
        assert section_score([cell, Cell(rated(MID))]) == 1.5

    def test_a_moderated_not_applicable_takes_the_item_out(self):
        cell = Cell(self_rating=rated(HIGH), moderated=NOT_APPLICABLE)
        assert cell.value is None
        assert section_score([cell, Cell(rated(MID))]) == 2

    def test_a_section_with_nothing_rated_has_no_score(self):
        assert section_score([Cell(NOT_APPLICABLE), Cell()]) is None


class TestSpread:
    def test_range_and_counts(self):
        levels = [LOW, MID, HIGH]
        spread = spread_of(Item(ref="1", position=1), [1, 4, None, 2], levels)
        assert (spread.lowest, spread.highest, spread.range) == (1, 4, 3)
        assert [count for _, count in spread.counts] == [1, 1, 1]

    def test_most_disputed_first_then_deviation_then_framework_order(self):
        levels = [LOW, MID, HIGH]
        agreed = spread_of(Item(ref="a", position=1), [2, 2, 2], levels)
        wide = spread_of(Item(ref="b", position=2), [1, 4, 4], levels)
        wider_spread = spread_of(Item(ref="c", position=3), [1, 4, 1, 4], levels)
        nothing = spread_of(Item(ref="d", position=4), [None], levels)
        order = [s.item.ref for s in most_disputed([agreed, nothing, wide, wider_spread])]
        assert order == ["c", "b", "a", "d"]


@pytest.mark.django_db
class TestBuildReport:
    def test_grid_scores_spread_and_moderation(self, audit, police, health):
        answer(police, "1.1", 4)
        answer(police, "2.1", None)
        answer(health, "1.1", 1)
        answer(health, "2.1", 2)
        moderate(police, "1.1", 3)
        report = build_report(audit=audit)

        assert [item.ref for item in report.items] == ["1.1", "2.1"]  # 1.2 is not assessable
        rows = {row.participant.organisation.slug: row for row in report.rows}
        assert [c.value for c in rows["northshire-police"].cells] == [3, None]
        assert rows["northshire-police"].section_scores == [3, None]
        assert rows["northshire-health"].section_scores == [1, 2]
        assert rows["northshire-health"].overall == 1.5
        assert [s.mean for s in report.sections] == [2, 2]
        assert report.spreads[0].item.ref == "1.1"
        assert report.spreads[0].range == 2
        assert len(report.moderations) == 1
        assert report.moderations[0].direction == "down"

    def test_carried_forward_answers_do_not_count(self, audit, police):
        answer(police, "1.1", 4, carried_forward=True)
        report = build_report(audit=audit)
        row = next(r for r in report.rows if r.participant == police)
        assert row.cells[0].value is None
        assert row.cells[0].rating.text == "Not answered"

    def test_overdue_actions_stand_out(self, audit, police, org):
        add_action(audit, ["1.1"], [org("northshire-police")], due=dt.date(2020, 1, 1))
        add_action(
            audit,
            ["2.1"],
            [org(PARTNERSHIP)],
            due=dt.date(2020, 1, 1),
            status=ActionStatus.VERIFIED,
        )
        report = build_report(audit=audit, today=dt.date(2026, 1, 1))
        assert [row.overdue for row in report.actions] == [True, False]
        assert report.actions[0].owners == ("Northshire Police",)


@pytest.mark.django_db
def test_comparison_with_the_previous_cycle(audit, police, health, lead, org):
    answer(police, "1.1", 1)
    answer(health, "1.1", 4)
    answer(police, "2.1", 2)
    old_action = add_action(audit, ["1.1"], [org("northshire-police")], description="Old one")
    following = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=audit.framework_version,
        title="Next year",
        period_start=dt.date(2027, 4, 1),
        period_end=dt.date(2028, 3, 31),
        due_date=dt.date(2027, 6, 30),
        previous=audit,
    )
    police_now = following.participants.get(organisation__slug="northshire-police")
    health_now = following.participants.get(organisation__slug="northshire-health")
    answer(police_now, "1.1", 3)
    answer(health_now, "1.1", 2)
    answer(police_now, "2.1", 2)
    add_action(
        following,
        ["1.1"],
        [org("northshire-police")],
        description="Old one",
        status=ActionStatus.VERIFIED,
        carried_from=old_action,
    )
    add_action(following, ["2.1"], [org("northshire-health")], description="New one")

    comparison = build_report(audit=following).comparison
    by_ref = {change.item.ref: change for change in comparison.items}
    assert by_ref["1.1"].moved_up == ("Northshire Police",)
    assert by_ref["1.1"].moved_down == ("Northshire Health",)
    assert by_ref["1.1"].change == 0
    assert by_ref["2.1"].change == 0
    assert (comparison.moved_up, comparison.moved_down) == (1, 1)
    assert [row.action.description for row in comparison.new_actions] == ["New one"]
    assert [row.action.description for row in comparison.closed_actions] == ["Old one"]


@pytest.mark.django_db
def test_items_are_matched_by_ref_and_participants_by_organisation(audit, police, lead, org):
    answer(police, "1.1", 1)
    following = services_audits.create_audit(
        user=lead,
        lead_organisation=org(PARTNERSHIP),
        framework_version=audit.framework_version,
        title="Next year",
        period_start=dt.date(2027, 4, 1),
        period_end=dt.date(2028, 3, 31),
        due_date=dt.date(2027, 6, 30),
        previous=audit,
    )
    answer(following.participants.get(organisation__slug="northshire-police"), "1.1", 4)
    comparison = build_report(audit=following).comparison
    [up] = comparison.up
    assert (up.item.ref, up.previous_mean, up.current_mean) == ("1.1", 1, 4)
    assert comparison.down == []


def _queries_for_report(audit) -> int:
    with CaptureQueriesContext(connection) as queries:
        build_report(audit=audit)
    return len(queries)


@pytest.mark.django_db
def test_report_queries_do_not_grow_with_participants(audit, lead, police, health, org):
    for participant in (police, health):
        answer(participant, "1.1", 2)
        moderate(participant, "2.1", 3)
    add_action(audit, ["1.1"], [org("northshire-police")])
    small = _queries_for_report(audit)
    for number in range(4):
        organisation = Organisation.objects.create(
            name=f"Agency {number}", slug=f"agency-{number}", kind="voluntary"
        )
        participant = services_audits.invite_participant(
            user=lead, audit=audit, organisation=organisation
        )
        answer(participant, "1.1", 3)
        answer(participant, "2.1", None)
        moderate(participant, "1.1", 1)
        add_action(audit, ["2.1"], [organisation])
    assert audit.participants.count() == 6
    assert _queries_for_report(audit) == small
