"""A judged query set: for each query, the procedure a practitioner wants is in the top three."""

import pytest

from carebook.search.selectors import search
from carebook.search.services import index_entries
from carebook.search.tests.factories import entry

PROCEDURES = {
    "referrals": (
        "Contacts and referrals",
        "How the front door handles a contact about a child and decides on a referral.",
        ["front door", "MASH"],
        "A contact is any request for help. A social worker decides within one working day "
        "whether the contact becomes a referral and whether the child needs an assessment.",
    ),
    "assessment": (
        "Single assessment",
        "Assessing the needs of a child and their family.",
        ["assessment framework"],
        "The assessment is completed within 45 working days. The social worker sees the "
        "child, speaks to the family and gathers information from other agencies.",
    ),
    "strategy": (
        "Strategy discussions",
        "Deciding with police and health whether significant harm is suspected.",
        ["strategy meeting"],
        "A strategy discussion is held when there is reasonable cause to suspect significant "
        "harm. It decides whether enquiries under section 47 should begin.",
    ),
    "conference": (
        "Initial child protection conferences",
        "Bringing professionals and the family together to agree a child protection plan.",
        ["ICPC", "conference"],
        "The conference is held within 15 working days of the strategy discussion. It decides "
        "whether the child needs a child protection plan and names a lead social worker.",
    ),
    "missing": (
        "Children missing from home or care",
        "What to do when a child goes missing, and the return home interview.",
        ["runaway", "absent"],
        "When a child goes missing the carer informs the police. A return home interview is "
        "offered within 72 hours of the child coming back.",
    ),
    "exploitation": (
        "Child exploitation",
        "Recognising child sexual exploitation and child criminal exploitation.",
        ["county lines", "grooming"],
        "Exploitation can be sexual or criminal. County lines gangs groom children to carry "
        "drugs. Practitioners complete an exploitation risk assessment.",
    ),
    "recording": (
        "Case recording",
        "Keeping accurate, timely case records.",
        ["case notes", "chronology"],
        "Records are written within two working days of the event. Each record says what "
        "happened, what the child said and what was decided.",
    ),
    "supervision": (
        "Supervision of social workers",
        "Regular reflective supervision for every practitioner.",
        ["reflective supervision"],
        "Social workers receive supervision at least monthly. Supervision records decisions "
        "on each case and the practitioner's wellbeing.",
    ),
    "allegations": (
        "Allegations against staff and volunteers",
        "Managing allegations that a person who works with children has harmed a child.",
        ["LADO", "designated officer"],
        "Any allegation is reported to the designated officer within one working day. The "
        "employer does not investigate before speaking to the designated officer.",
    ),
    "information": (
        "Information sharing",
        "Sharing information to safeguard children, lawfully and safely.",
        ["consent", "data protection"],
        "Practitioners share information when it is necessary to protect a child. Consent "
        "is sought where it is safe to do so; the reasons are recorded.",
    ),
    "escalation": (
        "Resolving professional disagreements",
        "Escalating a concern when agencies disagree about a child.",
        ["escalation"],
        "Disagreements are first discussed between practitioners, then raised with managers "
        "and, if still unresolved, with the safeguarding partnership.",
    ),
    "private-fostering": (
        "Private fostering",
        "Children cared for by someone who is not a close relative for 28 days or more.",
        ["private fostering arrangement"],
        "The local authority must be notified of a private fostering arrangement. A social "
        "worker visits within seven working days.",
    ),
    "disabled": (
        "Children with disabilities",
        "Assessment and support for disabled children and their families.",
        ["short breaks", "disability"],
        "Disabled children may receive short breaks. Their assessment considers "
        "communication needs and the views of the child.",
    ),
    "looked-after": (
        "Care planning for looked after children",
        "Every looked after child has a care plan reviewed by an independent reviewing officer.",
        ["care plan", "IRO"],
        "The first review is held within 20 working days of the child coming into care. The "
        "independent reviewing officer chairs each review.",
    ),
    "court": (
        "Pre-proceedings and the public law outline",
        "Working with families before care proceedings.",
        ["letter before proceedings"],
        "A letter before proceedings invites parents to a meeting with their solicitor. The "
        "public law outline sets the timetable for care proceedings.",
    ),
}

JUDGED = [
    ("referral", "referrals"),
    ("significant harm strategy", "strategy"),
    ("section 47", "strategy"),
    ("child protection plan", "conference"),
    ("return home interview", "missing"),
    ("county lines", "exploitation"),
    ("CSE", "exploitation"),
    ("LADO", "allegations"),
    ("LAC review", "looked-after"),
    ("IRO", "looked-after"),
    ("PLO", "court"),
    ("privately fostered", "private-fostering"),
    ("short break*", "disabled"),
    ("disagreement escalation", "escalation"),
]


@pytest.fixture
def manual():
    index_entries(
        entries=[
            entry(
                procedure_id=number,
                title=title,
                summary=summary,
                keywords=keywords,
                body_text=body,
                url=f"/northshire/csc/procedures/{slug}/",
            )
            for number, (slug, (title, summary, keywords, body)) in enumerate(
                PROCEDURES.items(), start=1
            )
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), JUDGED)
def test_expected_procedure_is_in_the_top_three(manual, query, expected):
    results = search(query=query, organisation_id=1, manual_ids=[10])
    top = [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in results.hits[:3]]
    assert expected in top, f"{query!r} gave {top}"
