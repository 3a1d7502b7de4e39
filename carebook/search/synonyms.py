"""Synonyms and abbreviations: the built-in social-care list plus each manual's glossary."""

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import yaml

from carebook.search.query import words

ABBREVIATIONS_FILE = Path(__file__).resolve().parent / "data" / "abbreviations.yaml"


@cache
def builtin_groups() -> tuple[tuple[str, ...], ...]:
    """The groups in data/abbreviations.yaml, read once per process."""
    with ABBREVIATIONS_FILE.open(encoding="utf-8") as file:
        data = yaml.safe_load(file) or {}
    return tuple(tuple(str(member) for member in group) for group in data.get("groups", []))


def synonym_map(
    extra_groups: Sequence[Sequence[str]] = (),
) -> Mapping[tuple[str, ...], tuple[str, ...]]:
    """Map each member's words to every member of every group it belongs to.

    A phrase in two groups (one built in, one from a glossary) gets the members of both.
    """
    if not extra_groups:
        return _builtin_map()
    merged = {key: list(members) for key, members in _builtin_map().items()}
    _add_groups(merged, extra_groups)
    return {key: tuple(members) for key, members in merged.items()}


@cache
def _builtin_map() -> Mapping[tuple[str, ...], tuple[str, ...]]:
    merged: dict[tuple[str, ...], list[str]] = {}
    _add_groups(merged, builtin_groups())
    return {key: tuple(members) for key, members in merged.items()}


def _add_groups(merged: dict[tuple[str, ...], list[str]], groups: Sequence[Sequence[str]]) -> None:
    for group in groups:
        members = [member.strip() for member in group if words(member)]
        for member in members:
            known = merged.setdefault(words(member), [])
            known.extend(other for other in members if other not in known)


@cache
def builtin_phrases() -> tuple[tuple[str, ...], ...]:
    """The words of every built-in member of two words or more, once each, in file order."""
    phrases: dict[tuple[str, ...], None] = {}
    for group in builtin_groups():
        for member in group:
            tokens = words(member)
            if len(tokens) > 1:
                phrases.setdefault(tokens, None)
    return tuple(phrases)
