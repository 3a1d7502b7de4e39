"""Reading and checking a framework file (format version 1, FRAMEWORK_FORMAT.md).

`parse_framework_file(data)` returns the file's data, checked against every rule of the format,
or raises `FrameworkFileError` listing every problem found, each with its place (counting from
0, as in `sections[1].items[3].ref`) and, where the YAML parser knows it, its line. Nothing here
touches the database.

The YAML is read as a stream of events first: tags, anchors and aliases are refused before any
object is built, so no alias expansion or object construction can happen. The node tree is then
turned into plain values by hand, which is where duplicate keys are caught.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_FILE_BYTES = 2_097_152
FORMAT_VERSION = 1
MAX_DEPTH = 20
MAX_REF_LENGTH = 100
MAX_LABEL_LENGTH = 200
MIN_LEVELS, MAX_LEVELS = 2, 10
# The database's integer range: scale values and years outside it cannot be stored.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
COLOURS = ("red", "orange", "yellow", "green", "blue", "grey")
FRAMEWORK_REF = re.compile(r"^[a-z0-9-]+$")

TOP_KEYS = {
    "carebook_framework": True,
    "ref": True,
    "version": True,
    "name": True,
    "description": False,
    "publisher": False,
    "source": False,
    "licence": False,
    "scale": True,
    "allow_not_applicable": False,
    "sections": True,
}
SOURCE_KEYS = {"title": False, "year": False, "url": False}
LEVEL_KEYS = {"value": True, "label": True, "description": False, "colour": False}
SECTION_KEYS = {"ref": True, "name": True, "description": False, "items": True}
ITEM_KEYS = {
    "ref": True,
    "statement": True,
    "assessable": False,
    "guidance": False,
    "evidence_prompts": False,
    "level_descriptors": False,
    "tags": False,
}

Path = tuple[str | int, ...]


def place_of(path: Path) -> str:
    """("sections", 1, "items", 3, "ref") -> "sections[1].items[3].ref"."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class Problem:
    place: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.place else self.message
        return f"line {self.line}: {text}" if self.line else text


class FrameworkFileError(Exception):
    """The file was refused; `problems` lists every reason, in file order where known."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def refuse(message: str, place: str = "", line: int | None = None) -> FrameworkFileError:
    return FrameworkFileError([Problem(place, message, line)])


def too_large_message(size: int) -> str:
    return (
        f"The file is {size:,} bytes; a framework file may be at most 2 MB "
        f"({MAX_FILE_BYTES:,} bytes)."
    )


def content_digest(document: dict) -> str:
    """The same data after parsing gives the same digest, whatever the layout of the file."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# Reading: bytes -> text -> events -> plain values with the line of each place.


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise refuse(too_large_message(len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refuse(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). "
            "Save it as UTF-8 and try again.",
            line=line,
        ) from None
    return text.removeprefix("\ufeff")


def _mark_line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _refuse_yaml_features(text: str) -> None:
    problems = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = _mark_line(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                problems.append(
                    Problem("", f"YAML aliases (*{event.anchor}) are not allowed", line)
                )
            elif getattr(event, "anchor", None):
                problems.append(
                    Problem("", f"YAML anchors (&{event.anchor}) are not allowed", line)
                )
            if getattr(event, "tag", None) and not isinstance(
                event, yaml.DocumentStartEvent | yaml.StreamStartEvent
            ):
                problems.append(Problem("", f"YAML tags ({event.tag}) are not allowed", line))
    except yaml.MarkedYAMLError as error:
        raise _invalid_yaml(error) from None
    except yaml.YAMLError as error:
        raise refuse(f"The file is not valid YAML: {error}") from None
    except RecursionError:
        raise refuse("The file is nested too deeply to be a framework.") from None
    if problems:
        raise FrameworkFileError(problems)


def _invalid_yaml(error: yaml.MarkedYAMLError) -> FrameworkFileError:
    mark = error.problem_mark or error.context_mark
    what = " ".join(part for part in (error.context, error.problem) if part)
    return refuse(
        f"The file is not valid YAML: {what or 'it cannot be read'}", line=_mark_line(mark)
    )


class _Reader:
    """Turns the composed node tree into dicts, lists and scalars, noting each place's line."""

    def __init__(self, loader: yaml.SafeLoader):
        self.loader = loader
        self.lines: dict[Path, int] = {}
        # Scalars as written, so that a message can quote 1.10 rather than the 1.1 read.
        self.written: dict[Path, str] = {}
        self.problems: list[Problem] = []

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            raise refuse(
                "The file is nested too deeply to be a framework.",
                line=node.start_mark.line + 1,
            )
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            first_line: dict = {}
            for key_node, value_node in node.value:
                key = self.scalar_key(key_node, path)
                line = key_node.start_mark.line + 1
                if key in result or key in first_line:
                    self.problems.append(
                        Problem(
                            place_of((*path, str(key))),
                            f"the key “{key}” appears twice in this mapping (first on line "
                            f"{first_line[key]}); YAML would keep only the last one",
                            line,
                        )
                    )
                    continue
                first_line[key] = line
                # Mapping keys are always named, never indexed: level_descriptors.5, not [5].
                child = (*path, key if isinstance(key, str) else str(key))
                self.lines[child] = line
                result[key] = self.value(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.value(child, (*path, index)) for index, child in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar_key(self, node: yaml.Node, path: Path):
        if not isinstance(node, yaml.ScalarNode):
            raise refuse(
                f"{place_of(path) or 'the file'} has a key that is a list or mapping",
                line=node.start_mark.line + 1,
            )
        key = self.scalar(node, path)
        if isinstance(key, int | str) and not isinstance(key, bool):
            return key
        # Dates, floats, booleans and nulls as keys: kept as text so that the key is reported.
        return str(node.value)

    def scalar(self, node: yaml.ScalarNode, path: Path):
        self.written[path] = node.value
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # A scalar that looks like a date or number but is not a valid one: keep the text.
            value = node.value
        if isinstance(value, str) and not _storable(value):
            self.problems.append(
                Problem(
                    place_of(path),
                    "contains characters that cannot be stored (a null character or an "
                    "unpaired surrogate escape)",
                    node.start_mark.line + 1,
                )
            )
            return ""
        return value


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_yaml(data: bytes) -> tuple[Any, "_Reader"]:
    text = _decode(data)
    _refuse_yaml_features(text)
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            raise _invalid_yaml(error) from None
        except yaml.YAMLError as error:
            raise refuse(f"The file is not valid YAML: {error}") from None
        except RecursionError:
            raise refuse("The file is nested too deeply to be a framework.") from None
        if node is None:
            raise refuse("The file is empty: a framework file is a YAML mapping.")
        reader = _Reader(loader)
        value = reader.value(node, ())
        return value, reader
    finally:
        loader.dispose()


# Checking: every rule of the format, every problem reported.


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()} (put it in quotes to make it text)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"“{value}”"


class _Checker:
    def __init__(self, reader: "_Reader"):
        self.lines = reader.lines
        self.written = reader.written
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        line = None
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                break
        self.problems.append(Problem(place_of(path), message, line))

    def mapping(self, value: Any, path: Path, keys: dict[str, bool], what: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"must be a mapping ({what}), not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                allowed = ", ".join(keys)
                self.add(
                    (*path, str(key)), f"“{key}” is not a known key here (known keys: {allowed})"
                )
        for key, required in keys.items():
            if required and key not in value:
                self.add((*path, key), "is required but missing")
        return value

    def text(
        self, value: dict, key: str, path: Path, *, max_length: int | None = None
    ) -> str | None:
        if key not in value:
            return None
        item = value[key]
        where = (*path, key)
        if isinstance(item, str):
            if not item.strip():
                self.add(where, "must not be empty")
                return None
            if max_length and len(item) > max_length:
                self.add(where, f"is longer than {max_length} characters")
                return None
            return item
        if _is_number(item) or isinstance(item, datetime.date):
            self.add(where, f"{self.as_written(where, item)} is not text: put it in quotes")
        else:
            self.add(where, f"must be text, not {_kind(item)}")
        return None

    def ref(self, value: dict, key: str, path: Path) -> str | None:
        """Refs are text: an unquoted 1.10 is the number 1.1, so it must be quoted."""
        if key not in value:
            return None
        item = value[key]
        if _is_number(item):
            written = self.as_written((*path, key), item)
            self.add(
                (*path, key),
                f"{written} is a number, not text: put it in quotes "
                f'({key}: "{written}"); unquoted, YAML reads 1.10 as the number 1.1',
            )
            return None
        return self.text(value, key, path, max_length=MAX_REF_LENGTH)

    def as_written(self, path: Path, item: Any) -> str:
        return self.written.get(path, str(item))

    def boolean(self, value: dict, key: str, path: Path) -> bool | None:
        if key not in value:
            return None
        if not isinstance(value[key], bool):
            self.add((*path, key), f"must be true or false, not {_kind(value[key])}")
            return None
        return value[key]

    def integer(self, value: dict, key: str, path: Path) -> int | None:
        if key not in value:
            return None
        item = value[key]
        if not isinstance(item, int) or isinstance(item, bool):
            self.add((*path, key), f"must be a whole number, not {_kind(item)}")
            return None
        if not INT_MIN <= item <= INT_MAX:
            self.add((*path, key), f"{item} is too large a number")
            return None
        return item

    def text_list(self, value: dict, key: str, path: Path) -> None:
        if key not in value:
            return
        items = value[key]
        if not isinstance(items, list):
            self.add((*path, key), f"must be a list of text, not {_kind(items)}")
            return
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.add((*path, key, index), f"must be text, not {_kind(item)}")


def check_framework(document: Any, reader: _Reader) -> list[Problem]:
    check = _Checker(reader)
    top = check.mapping(document, (), TOP_KEYS, "a framework file")
    if top is None:
        return check.problems

    if "carebook_framework" in top:
        fmt = top["carebook_framework"]
        if type(fmt) is not int or fmt != FORMAT_VERSION:
            check.add(
                ("carebook_framework",),
                f"{fmt!r} is not a format version this loader knows: the only one is 1",
            )
    ref = check.ref(top, "ref", ())
    if ref is not None and not FRAMEWORK_REF.match(ref):
        check.add(("ref",), f"“{ref}” may use only lower-case letters, digits and hyphens")
    check.ref(top, "version", ())
    check.text(top, "name", ())
    for key in ("description", "publisher", "licence"):
        check.text(top, key, ())
    if "source" in top:
        source = check.mapping(top["source"], ("source",), SOURCE_KEYS, "title, year and url")
        if source is not None:
            check.text(source, "title", ("source",))
            check.integer(source, "year", ("source",))
            url = check.text(source, "url", ("source",))
            if url is not None and not re.match(r"^https?://\S+$", url):
                check.add(("source", "url"), "must be a web address beginning https:// or http://")
    check.boolean(top, "allow_not_applicable", ())

    scale_values = _check_scale(check, top)
    _check_sections(check, top, scale_values)
    check.problems.sort(key=lambda problem: problem.line or 0)
    return check.problems


def _check_scale(check: _Checker, top: dict) -> set[int] | None:
    """The scale's values, or None when they cannot be known (descriptors are then unchecked)."""
    if "scale" not in top:
        return None
    scale = top["scale"]
    if not isinstance(scale, list):
        check.add(("scale",), f"must be a list of levels, not {_kind(scale)}")
        return None
    if not MIN_LEVELS <= len(scale) <= MAX_LEVELS:
        check.add(
            ("scale",),
            f"has {len(scale)} level{'s' if len(scale) != 1 else ''}: "
            f"a scale has {MIN_LEVELS} to {MAX_LEVELS}",
        )
    values: dict[int, int] = {}
    previous = None
    complete = True
    for index, level in enumerate(scale):
        path = ("scale", index)
        level = check.mapping(level, path, LEVEL_KEYS, "value, label, description, colour")
        if level is None:
            complete = False
            continue
        value = check.integer(level, "value", path)
        if value is None:
            complete = False
        elif value in values:
            check.add((*path, "value"), f"{value} is used twice (first at scale[{values[value]}])")
        else:
            if previous is not None and value < previous:
                check.add(
                    (*path, "value"),
                    f"{value} comes after {previous}: levels are ordered low to high",
                )
            values[value] = index
            previous = value
        check.text(level, "label", path, max_length=MAX_LABEL_LENGTH)
        check.text(level, "description", path)
        if "colour" in level and level["colour"] not in COLOURS:
            check.add(
                (*path, "colour"),
                f"{level['colour']!r} is not a colour we know: use one of {', '.join(COLOURS)}",
            )
    return set(values) if complete or values else None


def _check_sections(check: _Checker, top: dict, scale_values: set[int] | None) -> None:
    if "sections" not in top:
        return
    sections = top["sections"]
    if not isinstance(sections, list):
        check.add(("sections",), f"must be a list of sections, not {_kind(sections)}")
        return
    if not sections:
        check.add(("sections",), "must have at least one section")
    section_refs: dict[str, str] = {}
    item_refs: dict[str, str] = {}
    for s_index, section in enumerate(sections):
        path = ("sections", s_index)
        section = check.mapping(section, path, SECTION_KEYS, "ref, name, description, items")
        if section is None:
            continue
        ref = check.ref(section, "ref", path)
        if ref is not None:
            if ref in section_refs:
                check.add((*path, "ref"), f'"{ref}" is used twice (first at {section_refs[ref]})')
            else:
                section_refs[ref] = place_of(path)
        check.text(section, "name", path)
        check.text(section, "description", path)
        if "items" not in section:
            continue
        items = section["items"]
        if not isinstance(items, list):
            check.add((*path, "items"), f"must be a list of items, not {_kind(items)}")
            continue
        if not items:
            check.add((*path, "items"), "must have at least one item")
        for i_index, item in enumerate(items):
            _check_item(check, item, (*path, "items", i_index), item_refs, scale_values)


def _check_item(
    check: _Checker,
    item: Any,
    path: Path,
    item_refs: dict[str, str],
    scale_values: set[int] | None,
) -> None:
    item = check.mapping(item, path, ITEM_KEYS, "ref, statement and optional details")
    if item is None:
        return
    ref = check.ref(item, "ref", path)
    if ref is not None:
        if ref in item_refs:
            check.add((*path, "ref"), f'"{ref}" is used twice (first at {item_refs[ref]})')
        else:
            item_refs[ref] = place_of(path)
    check.text(item, "statement", path)
    check.boolean(item, "assessable", path)
    check.text(item, "guidance", path)
    check.text_list(item, "evidence_prompts", path)
    check.text_list(item, "tags", path)
    if "level_descriptors" in item:
        descriptors = item["level_descriptors"]
        where = (*path, "level_descriptors")
        if not isinstance(descriptors, dict):
            check.add(where, f"must be a mapping of scale value to text, not {_kind(descriptors)}")
            return
        for key, text in descriptors.items():
            is_value = isinstance(key, int) and not isinstance(key, bool)
            if scale_values is not None and (not is_value or key not in scale_values):
                check.add((*where, str(key)), f"{key} is not a value on the scale")
            elif not isinstance(text, str) or not text.strip():
                check.add((*where, str(key)), f"must be text, not {_kind(text)}")


@dataclass(frozen=True)
class FrameworkFile:
    """A checked framework file: `document` is its data (level descriptor keys as text, so that
    it can be kept as JSON), `digest` identifies that data."""

    document: dict
    digest: str

    @property
    def ref(self) -> str:
        return self.document["ref"]

    @property
    def version(self) -> str:
        return self.document["version"]


def parse_framework_file(data: bytes) -> FrameworkFile:
    """The checked content of a framework file, or FrameworkFileError with every problem."""
    document, reader = read_yaml(data)
    problems = reader.problems + check_framework(document, reader)
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise FrameworkFileError(problems)
    for section in document["sections"]:
        for item in section["items"]:
            if "level_descriptors" in item:
                item["level_descriptors"] = {
                    str(value): text for value, text in item["level_descriptors"].items()
                }
    return FrameworkFile(document=document, digest=content_digest(document))
