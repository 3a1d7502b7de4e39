"""The likely-personal-data checks run on narrative and evidence text before it is saved."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carebook.audits.personal_data import describe, find_personal_data, is_valid_nhs_number


def kinds(text: str) -> dict[str, int]:
    return {finding.kind: finding.count for finding in find_personal_data(text)}


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Jane Smith (3/4/2015) was reviewed", "name_and_date_of_birth"),
        ("seen with Tom Brown, 12 March 2014, at home", "name_and_date_of_birth"),
        ("DOB: 03/04/2015", "name_and_date_of_birth"),
        ("date of birth 3rd April 2015", "name_and_date_of_birth"),
        ("NHS number 943 476 5919", "nhs_number"),
        ("nhs 9434765919", "nhs_number"),
        ("NI number AB 12 34 56 C", "ni_number"),
        ("ni ce123456d", "ni_number"),
        ("write to jo.bloggs@example.org", "email"),
        ("call 0161 496 0000", "phone"),
        ("mobile 07700 900123", "phone"),
        ("ring +44 (0)20 7946 0000", "phone"),
        ("lives at SW1A 1AA", "postcode"),
        ("post to m1 1ae", "postcode"),
    ],
)
def test_finds_each_kind_of_personal_data(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Supervision happens monthly and is recorded on the case file.",
        "Report 1, recommendation 4 (2017) asks leaders to know their services.",
        "Ofsted inspected us on 12/03/2024 and found practice good.",
        "The 2023 audit of 120 cases found 85% had a plan.",
        "NHS number 943 476 5918 is not valid",  # wrong check digit
        "Reference 1234567890",  # fails the modulus 11 check
        "the board meets in room B12",
        "GB 12 34 56 A is never issued",
        "QQ 12 34 56 C starts with a letter never used",
    ],
)
def test_does_not_flag_ordinary_service_text(text):
    assert kinds(text) == {}


def test_an_nhs_number_is_not_also_counted_as_a_phone_number():
    assert kinds("0123456788 and 943 476 5919") == {"nhs_number": 1}


def test_counts_and_describes_what_was_found():
    findings = find_personal_data("a@example.org, b@example.org and 943 476 5919")
    assert describe(findings) == "an NHS number and 2 e-mail addresses"


@pytest.mark.parametrize(
    "number, valid",
    [("9434765919", True), ("4010232137", True), ("9434765918", False), ("123456789", False)],
)
def test_nhs_number_check_digit(number, valid):
    assert is_valid_nhs_number(number) is valid


def _check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nine_digits_with_their_check_digit_is_a_valid_nhs_number(nine):
    check = _check_digit(nine)
    if check is None:
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))
    else:
        assert is_valid_nhs_number(nine + str(check))
        assert all(not is_valid_nhs_number(nine + str(d)) for d in range(10) if d != check)


@given(st.text(max_size=300))
def test_never_fails_on_any_text(text):
    for finding in find_personal_data(text):
        assert finding.count > 0


@given(
    st.text(alphabet=st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=200),
)
def test_lower_case_words_alone_are_never_personal_data(text):
    assert find_personal_data(text) == []
