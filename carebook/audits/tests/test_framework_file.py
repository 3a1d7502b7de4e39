"""One test (or more) per rule of FRAMEWORK_FORMAT.md: the exact message and place."""

import pytest

from carebook.audits.framework_file import (
    MAX_FILE_BYTES,
    FrameworkFileError,
    parse_framework_file,
)

from .helpers import VALID


def problems_of(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(FrameworkFileError) as refused:
        parse_framework_file(data)
    return [str(problem) for problem in refused.value.problems]


def test_valid_file_is_accepted_with_its_data():
    checked = parse_framework_file(VALID.encode())
    assert checked.ref == "test-framework"
    assert checked.version == "2024-01"
    assert checked.document["sections"][0]["items"][0]["level_descriptors"] == {
        "1": "Leaders do not know.",
        "4": "Leaders know and act.",
    }


def test_only_required_keys_is_accepted():
    minimal = (
        "carebook_framework: 1\nref: m\nversion: '1'\nname: M\n"
        "scale:\n  - {value: 1, label: Low}\n  - {value: 2, label: High}\n"
        "sections:\n  - ref: a\n    name: A\n    items:\n      - {ref: a1, statement: S}\n"
    )
    assert parse_framework_file(minimal.encode()).ref == "m"


def test_same_data_has_same_digest_whatever_the_layout():
    reflowed = VALID.replace("tags: [leadership]", "tags:\n          - leadership")
    assert (
        parse_framework_file(VALID.encode()).digest
        == parse_framework_file(reflowed.encode()).digest
    )


# Unknown keys and duplicate keys


def test_unknown_top_level_key():
    assert problems_of(VALID.replace("publisher:", "publsher:")) == [
        "line 6: publsher: “publsher” is not a known key here (known keys: carebook_framework, "
        "ref, version, name, description, publisher, source, licence, scale, "
        "allow_not_applicable, sections)"
    ]


def test_unknown_item_key_names_its_place():
    [problem] = problems_of(VALID.replace("        guidance: Report", "        guidnce: Report"))
    assert problem.startswith("line 34: sections[0].items[0].guidnce: “guidnce” is not a known key")


def test_duplicate_key_in_a_mapping():
    assert problems_of(VALID.replace("licence: Open", "name: Again\nlicence: Open")) == [
        "line 11: name: the key “name” appears twice in this mapping (first on line 4); "
        "YAML would keep only the last one"
    ]


def test_duplicate_key_in_an_item():
    text = VALID.replace(
        "        statement: Staff are supervised.",
        "        statement: Staff are supervised.\n        statement: Twice.",
    )
    [problem] = problems_of(text)
    assert "sections[1].items[0].statement: the key “statement” appears twice" in problem


# Refs must be strings


def test_numeric_ref_must_be_quoted():
    assert problems_of(VALID.replace('ref: "1.2"', "ref: 1.10")) == [
        "line 41: sections[0].items[1].ref: 1.10 is a number, not text: put it in quotes "
        '(ref: "1.10"); unquoted, YAML reads 1.10 as the number 1.1'
    ]


def test_numeric_section_ref_must_be_quoted():
    [problem] = problems_of(VALID.replace('  - ref: "2"', "  - ref: 2"))
    assert 'sections[1].ref: 2 is a number, not text: put it in quotes (ref: "2")' in problem


def test_numeric_version_must_be_quoted():
    [problem] = problems_of(VALID.replace('version: "2024-01"', "version: 2024"))
    assert 'version: 2024 is a number, not text: put it in quotes (version: "2024")' in problem


# Every error reported, each with its place and line


def test_every_error_is_reported_not_only_the_first():
    text = (
        VALID.replace('ref: "2.1"', 'ref: "1.1"')
        .replace("4: Leaders know", "5: Leaders know")
        .replace("colour: red", "colour: pink")
    )
    assert problems_of(text) == [
        "line 16: scale[0].colour: 'pink' is not a colour we know: use one of red, orange, "
        "yellow, green, blue, grey",
        "line 39: sections[0].items[0].level_descriptors.5: 5 is not a value on the scale",
        'line 47: sections[1].items[0].ref: "1.1" is used twice (first at sections[0].items[0])',
    ]


def test_item_ref_unique_across_the_whole_framework():
    [problem] = problems_of(VALID.replace('ref: "2.1"', 'ref: "1.2"'))
    assert problem.endswith(
        'sections[1].items[0].ref: "1.2" is used twice (first at sections[0].items[1])'
    )


def test_section_ref_unique():
    [problem] = problems_of(VALID.replace('  - ref: "2"', '  - ref: "1"'))
    assert problem.endswith('sections[1].ref: "1" is used twice (first at sections[0])')


def test_level_descriptor_off_the_scale():
    [problem] = problems_of(VALID.replace("4: Leaders know", "5: Leaders know"))
    assert "sections[0].items[0].level_descriptors.5: 5 is not a value on the scale" in problem


# Required keys and their types


@pytest.mark.parametrize(
    "key", ["carebook_framework", "ref", "version", "name", "scale", "sections"]
)
def test_required_top_level_keys(key):
    lines = [line for line in VALID.splitlines() if not line.startswith(f"{key}:")]
    if key in ("scale", "sections"):
        # Drop the whole block: its indented lines go with it.
        text = VALID.split(f"{key}:")[0] + (
            VALID.split("allow_not_applicable")[1].join(["allow_not_applicable", ""])
            if key == "scale"
            else ""
        )
    else:
        text = "\n".join(lines) + "\n"
    assert f"{key}: is required but missing" in "\n".join(problems_of(text))


def test_format_version_must_be_1():
    [problem] = problems_of(VALID.replace("carebook_framework: 1", "carebook_framework: 2"))
    assert problem == (
        "line 1: carebook_framework: 2 is not a format version this loader knows: the only one is 1"
    )


def test_framework_ref_characters():
    [problem] = problems_of(VALID.replace("ref: test-framework", "ref: Test_Framework"))
    assert problem == (
        "line 2: ref: “Test_Framework” may use only lower-case letters, digits and hyphens"
    )


def test_section_needs_items():
    text = VALID.replace(
        '    items:\n      - ref: "2.1"\n        statement: Staff are supervised.\n',
        "    items: []\n",
    )
    assert problems_of(text) == ["line 46: sections[1].items: must have at least one item"]


def test_at_least_one_section():
    text = VALID.split("sections:")[0] + "sections: []\n"
    assert problems_of(text) == ["line 27: sections: must have at least one section"]


def test_item_needs_a_statement():
    [problem] = problems_of(VALID.replace("        statement: Staff are supervised.\n", ""))
    assert problem.endswith("sections[1].items[0].statement: is required but missing")


def test_assessable_must_be_boolean():
    [problem] = problems_of(VALID.replace("assessable: false", "assessable: no way"))
    assert problem.endswith("sections[0].items[1].assessable: must be true or false, not text")


def test_evidence_prompts_must_be_text():
    [problem] = problems_of(VALID.replace("- How do leaders know?", "- {a: b}"))
    assert problem.endswith("sections[0].items[0].evidence_prompts[0]: must be text, not a mapping")


# The scale


def test_scale_needs_two_levels():
    text = (
        VALID.split("  - value: 2")[0]
        + "allow_not_applicable: true\n"
        + VALID.split("allow_not_applicable: true\n")[1]
    )
    assert "scale: has 1 level: a scale has 2 to 10" in "\n".join(problems_of(text))


def test_scale_at_most_ten_levels():
    levels = "".join(f"  - value: {n}\n    label: L{n}\n" for n in range(1, 12))
    text = (
        VALID.split("scale:")[0]
        + "scale:\n"
        + levels
        + "allow_not_applicable"
        + VALID.split("allow_not_applicable")[1]
    )
    assert "scale: has 11 levels: a scale has 2 to 10" in "\n".join(problems_of(text))


def test_scale_values_unique():
    [problem] = problems_of(VALID.replace("value: 2", "value: 1"))
    assert problem.endswith("scale[1].value: 1 is used twice (first at scale[0])")


def test_scale_values_ordered_low_to_high():
    text = VALID.replace("value: 2", "value: 9")
    [problem] = problems_of(text)
    assert problem.endswith("scale[2].value: 3 comes after 9: levels are ordered low to high")


def test_scale_values_are_integers():
    [problem] = problems_of(VALID.replace("value: 2", "value: 2.5"))
    assert problem.endswith("scale[1].value: must be a whole number, not the number 2.5")


def test_scale_value_true_is_not_an_integer():
    [problem] = problems_of(VALID.replace("value: 2", "value: true"))
    assert problem.endswith("scale[1].value: must be a whole number, not true or false")


def test_scale_label_required():
    [problem] = problems_of(VALID.replace("    label: Emerging\n", ""))
    assert problem.endswith("scale[1].label: is required but missing")


def test_scale_colour_from_the_list():
    [problem] = problems_of(VALID.replace("colour: red", "colour: pink"))
    assert "scale[0].colour: 'pink' is not a colour we know" in problem


def test_allow_not_applicable_boolean():
    [problem] = problems_of(VALID.replace("allow_not_applicable: true", "allow_not_applicable: 1"))
    assert problem.endswith("allow_not_applicable: must be true or false, not the number 1")


# Refused before or while parsing


def test_invalid_yaml_with_line():
    assert problems_of("carebook_framework: 1\nref: [unclosed\n") == [
        "line 3: The file is not valid YAML: while parsing a flow sequence expected ',' or ']', "
        "but got '<stream end>'"
    ]


def test_empty_file():
    assert problems_of("") == ["The file is empty: a framework file is a YAML mapping."]


def test_not_a_mapping():
    assert problems_of("- 1\n") == ["line 1: must be a mapping (a framework file), not a list"]


def test_tags_refused_before_construction():
    text = VALID.replace("name: A test framework", "name: !!python/object/apply:os.system [ls]")
    [problem] = problems_of(text)
    assert (
        problem
        == "line 4: YAML tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed"
    )


def test_local_tags_refused():
    [problem] = problems_of(VALID.replace("name: A test framework", "name: !custom x"))
    assert problem == "line 4: YAML tags (!custom) are not allowed"


def test_anchors_and_aliases_refused():
    text = VALID.replace("publisher: Carebook tests", "publisher: &p Carebook tests").replace(
        "licence: Open Government Licence v3.0", "licence: *p"
    )
    assert problems_of(text) == [
        "line 6: YAML anchors (&p) are not allowed",
        "line 11: YAML aliases (*p) are not allowed",
    ]


def test_alias_bomb_refused_without_expansion():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(10)
    )
    problems = problems_of(bomb)
    assert problems[0] == "line 1: YAML anchors (&a) are not allowed"


def test_file_over_2_mb_refused_before_parsing():
    data = b"#" * (MAX_FILE_BYTES + 1)
    assert problems_of(data) == [
        "The file is 2,097,153 bytes; a framework file may be at most 2 MB (2,097,152 bytes)."
    ]


def test_file_of_exactly_2_mb_is_parsed():
    data = VALID.encode()
    data += b"#" * (MAX_FILE_BYTES - len(data))
    assert parse_framework_file(data).ref == "test-framework"


def test_not_utf8():
    data = VALID.replace("Used by the tests.", "Caf\xe9").encode("latin-1")
    assert problems_of(data) == [
        "line 5: The file is not UTF-8 text (byte 100 cannot be read). Save it as UTF-8 and try "
        "again."
    ]


def test_null_character_refused():
    problems = problems_of(VALID.replace("name: A test framework", 'name: "A\\0B"'))
    assert "line 4: name: contains characters that cannot be stored" in problems[0]


def test_several_documents_refused():
    [problem] = problems_of(VALID + "---\n" + VALID)
    assert "The file is not valid YAML" in problem
