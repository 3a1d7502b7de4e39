"""Property: whatever the publisher and the local editors do, local content is never lost.

Random sequences of national section edits, inserts, deletes and moves, local amendment edits
and accept/advance steps run through the real services. After each step the rendered local page
is checked against a reference model kept here in plain lists (not the code under test): every
local amendment's text is on the page (or in the flagged list), the national text is exactly
that of the pinned version, and nothing appears twice.
"""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebook.manuals.tests.factories import make_procedure, republish, section

from ..selectors import current_pin, flagged_amendments
from ..services import propagate_national_version
from .helpers import amendment, derived, publish_local, rendered

pytestmark = pytest.mark.django_db

WORDS = ["duty", "visit", "record", "plan", "review", "consent", "risk", "meeting"]

national_step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 9), st.sampled_from(WORDS)),
    st.tuples(st.just("insert"), st.integers(0, 9), st.sampled_from(WORDS)),
    st.tuples(st.just("delete"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("move"), st.integers(0, 9), st.just("")),
)
local_step = st.tuples(
    st.just("amend"),
    st.lists(
        st.tuples(st.sampled_from(["before", "after", "replace", "end"]), st.integers(0, 9)),
        max_size=3,
    ),
    st.just(""),
)
accept_step = st.tuples(st.just("accept"), st.just(0), st.just(""))
steps = st.lists(st.one_of(national_step, local_step, accept_step), min_size=1, max_size=5)


class Reference:
    """The expected state, in plain lists: national sections per version and local amendments."""

    def __init__(self, sections):
        self.versions = [list(sections)]  # each: [(id, heading, text)]
        self.pinned = 0  # index into versions
        self.amendments = []  # [(id, position, anchor_id, text)]
        self.counter = 0

    def text(self, word):
        self.counter += 1
        return f"National {word} text {self.counter}."

    def national(self, action, index, word):
        sections = list(self.versions[-1])
        if action == "edit" and sections:
            i = index % len(sections)
            sid, heading, _ = sections[i]
            sections[i] = (sid, heading, self.text(word))
        elif action == "insert":
            sid = str(uuid.uuid4())
            sections.insert(
                index % (len(sections) + 1), (sid, f"Heading {sid[:6]}", self.text(word))
            )
        elif action == "delete" and len(sections) > 1:
            sections.pop(index % len(sections))
        elif action == "move" and len(sections) > 1:
            sections.append(sections.pop(index % len(sections)))
        else:
            return False
        self.versions.append(sections)
        return True


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps, automatic_updates=st.booleans())
def test_local_content_is_never_lost(base_chapter, automatic, review, sequence, automatic_updates):
    slug = f"p-{uuid.uuid4().hex[:10]}"
    start = [(str(uuid.uuid4()), f"Heading {n}", f"National start text {n}.") for n in range(3)]
    national = make_procedure(
        base_chapter,
        title=f"Procedure {slug}",
        slug=slug,
        sections=[section(h, f"<p>{t}</p>", sid) for sid, h, t in start],
    )
    propagate_national_version(national_version_id=national.versions.get().pk)
    _, manual = automatic if automatic_updates else review
    page = derived(manual, national)
    if not page.live:
        publish_local(page, note="We use this procedure.")  # a review-first manual's offer
    model = Reference(start)

    for action, index, word in sequence:
        if action in ("edit", "insert", "delete", "move"):
            if not model.national(action, index, word):
                continue
            latest = model.versions[-1]
            republish(
                national,
                note="National change.",
                body=[section(h, f"<p>{t}</p>", sid) for sid, h, t in latest],
            )
            propagate_national_version(
                national_version_id=national.versions.order_by("-number").first().pk
            )
            if automatic_updates:
                model.pinned = len(model.versions) - 1
        elif action == "amend":
            pinned = model.versions[model.pinned]
            model.amendments = []
            blocks = []
            for position, anchor_index in index:
                anchor = "" if position == "end" else pinned[anchor_index % len(pinned)][0]
                amendment_id = str(uuid.uuid4())
                text = f"Local text {amendment_id[:8]}."
                model.amendments.append((amendment_id, position, anchor, text))
                blocks.append(amendment(position, anchor, text, amendment_id=amendment_id))
            publish_local(page, amendments=blocks)
        elif action == "accept" and model.pinned < len(model.versions) - 1:
            newest = national.versions.order_by("-number").first()
            latest_ids = {sid for sid, _, _ in model.versions[-1]}
            # An editor re-attaches content whose section is gone before accepting.
            blocks = []
            for n, (amendment_id, position, anchor, text) in enumerate(model.amendments):
                if position != "end" and anchor not in latest_ids:
                    model.amendments[n] = (amendment_id, "end", "", text)
                    position, anchor = "end", ""
                blocks.append(amendment(position, anchor, text, amendment_id=amendment_id))
            publish_local(page, amendments=blocks, accept=newest)
            model.pinned = len(model.versions) - 1

        check(page, manual, model)


def check(page, manual, model):
    sections = rendered(page).sections
    pinned = model.versions[model.pinned]
    assert current_pin(page).national_version.number == model.pinned + 1

    national_shown = [(s.section_id, s.heading, s.text) for s in sections if s.origin == "national"]
    replaced = {anchor for _, position, anchor, _ in model.amendments if position == "replace"}
    expected_national = [item for item in pinned if item[0] not in replaced]
    assert national_shown == expected_national

    local_shown = [s.text for s in sections if s.origin == "local"]
    assert sorted(local_shown) == sorted(text for _, _, _, text in model.amendments)
    assert len(set(local_shown)) == len(local_shown)

    pinned_ids = {sid for sid, _, _ in pinned}
    vanished = {
        text
        for _, position, anchor, text in model.amendments
        if position != "end" and anchor not in pinned_ids
    }
    flagged_vanished = {
        flag.amendment["text"]
        for flag in flagged_amendments(manual)
        if flag.procedure.pk == page.pk and flag.vanished
    }
    assert flagged_vanished == vanished
    for s in sections:
        if s.text in vanished:
            assert "anchor-vanished" in s.flags
