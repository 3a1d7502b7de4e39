"""Spotting likely personal data in audit text before it is saved.

An audit return is about services, not people: a narrative that names a child with their date of
birth, or gives an NHS number, should not be in it. These checks look for the common shapes of
personal data in UK social care writing. They warn; the person decides (a team mailbox is an
e-mail address that may belong there). What was found is recorded, never the text itself.
"""

import re
from collections import Counter
from dataclasses import dataclass

LABELS = {
    "name_and_date_of_birth": "a name with a date of birth",
    "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
    "email": "an e-mail address",
    "phone": "a UK phone number",
    "postcode": "a full postcode",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    count: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


_DIGIT_RUN = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")

# Prefixes that are never issued, and letters never used in the first two positions.
_NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
# +44 or 0, then 9 or 10 more digits with the usual spaces, hyphens or brackets.
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)[1-37-9][\d\s()-]{7,14}\d(?!\d)")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?i:{_MONTHS})\.?,?\s+(?:19|20)\d{{2}})"
)
# "DOB 3/4/2015", "date of birth: 3 April 2015", "born 03.04.15"
_DOB_KEYWORD = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:,-]?\s*{_DATE}", re.IGNORECASE
)
# "Jane Smith (3/4/2015)", "Jane Smith, 3 April 2015", "Jane Smith b. 3/4/15"
_NAME_THEN_DATE = re.compile(
    rf"\b[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)+\s*(?:\(|,|\s+b\.|\s+aged\s+\d+,?)\s*{_DATE}"
)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number check digit (modulus 11): weights 10 down to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def _nhs_numbers(text: str) -> int:
    return sum(
        1
        for match in _DIGIT_RUN.finditer(text)
        if is_valid_nhs_number(re.sub(r"\D", "", match.group()))
    )


def _phones(text: str) -> int:
    count = 0
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:].lstrip("0")
        if len(digits) in (10, 11) and digits.startswith("0"):
            count += 1
    return count


def _names_with_dates_of_birth(text: str) -> int:
    return len(_DOB_KEYWORD.findall(text)) + len(_NAME_THEN_DATE.findall(text))


def find_personal_data(text: str) -> list[Finding]:
    """What likely personal data `text` holds, by kind, in a stable order."""
    if not text:
        return []
    counts: Counter[str] = Counter()
    counts["name_and_date_of_birth"] = _names_with_dates_of_birth(text)
    counts["nhs_number"] = _nhs_numbers(text)
    counts["ni_number"] = len(_NI_NUMBER.findall(text))
    counts["email"] = len(_EMAIL.findall(text))
    # A phone number is a digit run too: don't count an NHS number twice.
    counts["phone"] = max(0, _phones(text) - counts["nhs_number"])
    counts["postcode"] = len(_POSTCODE.findall(text))
    return [Finding(kind, counts[kind]) for kind in LABELS if counts[kind]]


def describe(findings: list[Finding]) -> str:
    """ "an NHS number and 2 e-mail addresses"-style text for a warning."""
    parts = []
    for finding in findings:
        if finding.count == 1:
            parts.append(finding.label)
        else:
            plural = finding.label.split(" ", 1)[1]
            parts.append(f"{finding.count} {_plural(plural)}")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(label: str) -> str:
    first, _, rest = label.partition(" with ")
    first = first + ("es" if first.endswith("s") else "s")
    return f"{first} with {rest}" if rest else first
