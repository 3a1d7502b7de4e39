"""A small valid framework file, and ways to break it."""

import textwrap

VALID = textwrap.dedent(
    """\
    carebook_framework: 1
    ref: test-framework
    version: "2024-01"
    name: A test framework
    description: Used by the tests.
    publisher: Carebook tests
    source:
      title: A report
      year: 2017
      url: https://example.org/report
    licence: Open Government Licence v3.0
    scale:
      - value: 1
        label: Not in place
        description: Nothing yet.
        colour: red
      - value: 2
        label: Emerging
        colour: orange
      - value: 3
        label: Established
        colour: green
      - value: 4
        label: Embedded
        colour: blue
    allow_not_applicable: true
    sections:
      - ref: "1"
        name: First section
        description: The first.
        items:
          - ref: "1.1"
            statement: Leaders know their services.
            guidance: Report 1, recommendation 1.
            evidence_prompts:
              - How do leaders know?
            level_descriptors:
              1: Leaders do not know.
              4: Leaders know and act.
            tags: [leadership]
          - ref: "1.2"
            statement: Addressed to government.
            assessable: false
      - ref: "2"
        name: Second section
        items:
          - ref: "2.1"
            statement: Staff are supervised.
    """
)


def valid_bytes() -> bytes:
    return VALID.encode()
