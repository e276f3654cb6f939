"""Reading the hand-authored YAML files safely, keeping line numbers for error messages.

Safety: only regular files inside the data directory are read (see `files.read_inside`), each
read bounded by the bytes actually read; a file over MAX_FILE_BYTES or MAX_RECORDS records is
refused. Only plain YAML is accepted: no anchors or aliases (so no "billion laughs"), no tags
(so no objects are constructed), no merge keys, no duplicate keys and only text as keys, at any
depth. Records are read one at a time, so memory stays flat however many records are bad.
Curators on any system are welcome: a UTF-8 byte-order mark and CRLF or CR line endings are
accepted and normalized, and line numbers are those a text editor shows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..filesystem.bounded_read import read_inside
from ..problems import ProblemList

# libyaml's parser when PyYAML was built with it (it is in the wheels), else the pure-Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Authored files are small and hand-written; 5 MiB is ~5,000 claims in one file. A
# bigger file is almost certainly a mistake and is refused before it is parsed.
MAX_FILE_BYTES = 5 * 1024 * 1024
# More records than any 5 MiB file of real records holds; bounds the work a file of tiny
# records ("- {}" a million times) can cause.
MAX_RECORDS = 100_000

# No field of ours nests; deeper values are refused without building them (no deep recursion).
MAX_DEPTH = 20
# Whole numbers are stored as 64-bit integers (Parquet, SQLite).
INT64 = (-(2**63), 2**63 - 1)

# Characters YAML does not allow in a file (C0 and C1 controls but tab, line feed, carriage return
# and NEL; DEL; U+FFFE, U+FFFF). The parser would stop at the first without a line number.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks to YAML but not to a text editor: YAML's own line numbers count them.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
# The one form of a whole number in an authored file: plain decimal digits, no leading zero. YAML
# 1.1 also reads 1:32:49 (sexagesimal, 5569), 012701 (octal), 0x1F, 0b101 and 1_000 as numbers;
# such a value stays the text it looks like, so a number field reports it at its line.
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")


Place = tuple  # where in a record: field names and list positions, e.g. ("actors", 0, "role")


@dataclass
class AuthoredRecord:
    """One mapping from an authored file, with where its parts are."""

    data: dict[str, Any]
    file: Path
    line: int
    # The line of every field and list item, by its place in the record.
    lines: dict[Place, int] = field(default_factory=dict)
    # Where a problem of the record's form was already reported (a duplicate key at
    # ("actors", 0, "role"), a merge key in the record at ()): such a record is not used.
    flawed: set[Place] = field(default_factory=set)

    @property
    def key_lines(self) -> dict[str, int]:
        return {place[0]: line for place, line in self.lines.items() if len(place) == 1}

    def line_of(self, key: str | None, index: int | None = None, item_key: str | None = None) -> int:
        """The line of a field, of an item of a list field, or of a field of such an item."""
        if key is None:
            return self.line
        for place in ((key, index, item_key), (key, index), (key,)):
            if None not in place and place in self.lines:
                return self.lines[place]
        return self.line


class _Lines:
    """Line numbers as a text editor counts them, from YAML's character positions."""

    def __init__(self, text: str):
        # YAML also breaks lines at NEL, U+2028 and U+2029; only then are its own numbers off.
        odd = _YAML_ONLY_BREAKS.search(text)
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)] if odd else None
        # A hint for a YAML error: such a character in a comment or a plain value breaks its line.
        self.break_note = (
            f" (line {editor_line(text, odd.start())} holds a U+{ord(odd.group()):04X} character, which YAML"
            " reads as a line break: remove it, or write it as an escape in a double-quoted value)"
            if odd
            else ""
        )

    def of(self, mark: Any) -> int:
        return mark.line + 1 if self.starts is None else bisect_right(self.starts, mark.index)


def editor_line(text: str, index: int) -> int:
    """The line (from 1) of a character of normalized text (line feeds only)."""
    return text.count("\n", 0, index) + 1


def read_text(
    path: Path, problems: ProblemList, display: str, root: Path | None = None, missing: str = "check the path"
) -> str | None:
    """The text of an authored file, decoded and normalized, or None after adding a problem."""
    raw = read_inside(path, root, MAX_FILE_BYTES, problems, display, "an authored file", missing=missing)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].replace(b"\r\n", b"\n")
        problems.add(
            display,
            f"file is not UTF-8 (byte 0x{raw[error.start]:02x} at byte offset {error.start})",
            "save the file as UTF-8",
            line=before.count(b"\n") + before.count(b"\r") + 1,
            check="file_not_utf8",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.add(
            display, "file is empty", "write the records, or [] for a file with no records yet", check="file_empty"
        )
        return None
    bad = _NOT_YAML.search(text)
    if bad:
        count = sum(1 for _ in _NOT_YAML.finditer(text))
        line = editor_line(text, bad.start())
        column = bad.start() - text.rfind("\n", 0, bad.start())
        problems.add(
            display,
            f"the file holds a raw control character U+{ord(bad.group()):04X} at column {column}"
            + (f" ({count:,} such characters in the file)" if count > 1 else ""),
            "remove it (YAML does not allow raw control characters; the text of a record never needs one)",
            line=line,
            check="control_character",
        )
        return None
    return text


# PyYAML's safe construction of scalars (null, bool, int, float, date, text); nothing else is built.
_CONSTRUCTOR = SafeConstructor()
_RESOLVER = Resolver()


class _Item:
    """Builds one record from parser events, collecting what is wrong with it."""

    def __init__(self, lines: _Lines, events: Iterator[Any]):
        self.lines = lines
        self.events = events
        self.where: dict[Place, int] = {}
        self.issues: list[tuple[Place, int, str, str]] = []

    def issue(self, place: Place, mark: Any, message: str, fix: str) -> None:
        self.issues.append((place, self.lines.of(mark), message, fix))

    def plain(self, event: Any, place: Place) -> bool:
        """Add an issue for an alias, anchor or tag on `event`; True when it has none."""
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            self.issue(
                place,
                event.start_mark,
                "YAML anchors and aliases (&name, *name) are not allowed",
                "write the value out in full",
            )
            return False
        # The parser sets a tag only where one is written explicitly ("!!python/object", "!x").
        if getattr(event, "tag", None) is not None:
            self.issue(place, event.start_mark, f"YAML tag {event.tag!r} is not allowed", "remove the tag")
            return False
        return True

    def value(self, event: Any, place: Place) -> Any:
        """The value that starts with `event` (its events are consumed); aliases are never expanded."""
        if not self.plain(event, place) and isinstance(event, yaml.AliasEvent):
            return None
        if len(place) >= MAX_DEPTH and isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self.skip()
            self.issue(place, event.start_mark, f"values nest more than {MAX_DEPTH} levels deep", "flatten the value")
            return None
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, place)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            for index, item in enumerate(self.until(yaml.SequenceEndEvent)):
                self.where[(*place, index)] = self.lines.of(item.start_mark)
                items.append(self.value(item, (*place, index)))
            return items
        return self.mapping(event, place)

    def skip(self) -> None:
        """Read past the rest of a list or mapping without building it (no recursion)."""
        depth = 1
        for event in self.events:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
                if depth == 0:
                    return

    def until(self, end: type) -> Iterator[Any]:
        for event in self.events:
            if isinstance(event, end):
                return
            yield event

    def scalar(self, event: Any, place: Place) -> Any:
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        if (tag == _INT_TAG and not _PLAIN_DECIMAL.fullmatch(event.value)) or tag == _FLOAT_TAG:
            return event.value  # no field of ours is a fraction; a number in another form is not read as one
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        construct = _CONSTRUCTOR.yaml_constructors.get(tag)
        if construct is None or tag == _MERGE_TAG:
            return event.value
        try:
            value = construct(_CONSTRUCTOR, node)
        except (ValueError, yaml.YAMLError):
            value = None  # an int beyond Python's digit limit, a date like 2024-13-45
        if tag == _INT_TAG and (value is None or not INT64[0] <= value <= INT64[1]):
            shown = event.value if len(event.value) <= 30 else f"{event.value[:12]}…({len(event.value)} characters)"
            self.issue(
                place,
                event.start_mark,
                f"the number {shown} is out of range (whole numbers lie between {INT64[0]:,} and {INT64[1]:,})",
                "correct the number",
            )
        elif value is None and tag != "tag:yaml.org,2002:null":
            self.issue(
                place,
                event.start_mark,
                f"{event.value!r} is not a valid {tag.rsplit(':', 1)[-1]}",
                "correct the value, or quote it to write it as text",
            )
        return value

    def mapping(self, event: Any, place: Place) -> dict[str, Any]:
        data: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key_event in self.until(yaml.MappingEndEvent):
            if not isinstance(key_event, yaml.ScalarEvent):
                self.value(key_event, (*place, "?"))  # read past, never used
                self.value(next(self.events), (*place, "?"))
                self.issue(
                    place,
                    key_event.start_mark,
                    "a list or mapping is used as a field name",
                    "write 'field: value' with a plain field name",
                )
                continue
            value_event = next(self.events)
            self.plain(key_event, place)
            key = key_event.value
            line = self.lines.of(key_event.start_mark)
            if key == "<<" and key_event.implicit[0]:  # written plain: a merge key, not the text "<<"
                self.value(value_event, (*place, key))
                self.issue(
                    place,
                    key_event.start_mark,
                    "YAML merge keys (<<:) are not allowed",
                    "write each field out in full in the record itself",
                )
                continue
            if key in first:
                self.issue(
                    (*place, key),
                    key_event.start_mark,
                    f"field {key!r} appears twice (first at line {first[key]})",
                    "keep one of the two",
                )
            first[key] = line
            self.where[(*place, key)] = line
            data[key] = self.value(value_event, (*place, key))
        return data


def _field_name(place: Place) -> str | None:
    """`("actors", 0, "role")` as `actors[0].role`."""
    name = ""
    for part in place:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or None


def read_records(
    path: Path,
    problems: ProblemList,
    display: str | None = None,
    *,
    root: Path | None = None,
    record_id: Callable[[dict[str, Any]], str | None] | None = None,
    missing: str = "check the path",
    unread: list[str] | None = None,
) -> Iterator[AuthoredRecord]:
    """The mappings of an authored file, a YAML list of mappings, one at a time.

    Problems of the file and of each record's form are added to `problems`, each record's with
    its id (by `record_id`); a record with such a problem comes with its fields in `flawed`.
    `root`, when given, is the data directory the file must lie in; `missing` is the fix when
    the file does not exist. A file not read to its end (it cannot be read, its YAML breaks
    off ...) is added to `unread`.
    """
    display = display or str(path)
    complete = False
    text = read_text(path, problems, display, root, missing)
    if text is None:
        if unread is not None:
            unread.append(display)
        return
    lines = _Lines(text)
    events = yaml.parse(text, Loader=SafeLoader)
    try:
        complete = yield from _records(events, lines, path, display, problems, record_id)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.add(
            display,
            f"YAML syntax error: {error.problem or error.context}{lines.break_note}",
            "fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote)",
            line=lines.of(mark) if mark else None,
            check="yaml_syntax",
        )
    except yaml.YAMLError as error:
        problems.add(display, f"YAML error: {error}", "fix the YAML syntax", check="yaml_error")
    finally:
        events.close()
        if unread is not None and not complete:
            unread.append(display)


def _records(events, lines: _Lines, path: Path, display: str, problems: ProblemList, record_id):
    """Each record of the file; returns whether the whole file was read."""
    next(events)  # stream start
    start = next(events)
    if isinstance(start, yaml.StreamEndEvent):
        problems.add(display, "file holds no YAML document", "write a list of records, or []", check="no_document")
        return False
    root = next(events)
    if not isinstance(root, yaml.SequenceStartEvent):
        problems.add(
            display,
            f"the file must be a YAML list of records{lines.break_note}",
            "start each record with '- ' at the left margin",
            line=lines.of(root.start_mark),
            check="not_a_list",
        )
        return False
    count = 0
    for event in events:
        if isinstance(event, yaml.SequenceEndEvent):
            break
        count += 1
        if count > MAX_RECORDS:
            problems.add(
                display,
                f"the file holds more than {MAX_RECORDS:,} records; the rest were not read",
                "split the records over several files",
                line=lines.of(event.start_mark),
                check="too_many_records",
            )
            return False
        item = _Item(lines, events)
        line = lines.of(event.start_mark)
        data = item.value(event, ())
        identifier = record_id(data) if record_id and isinstance(data, dict) else None
        for place, at, message, fix in item.issues:
            problems.add(display, message, fix, line=at, record_id=identifier, field=_field_name(place), check="entry")
        if not isinstance(data, dict):
            problems.add(
                display,
                "each list item must be a mapping of field: value",
                "write 'field: value' lines",
                line=line,
                check="record_not_mapping",
            )
            continue
        flawed = {place for place, *_ in item.issues}
        yield AuthoredRecord(data=data, file=path, line=line, lines=item.where, flawed=flawed)
    next(events)  # document end
    if not isinstance(next(events), yaml.StreamEndEvent):
        problems.add(
            display,
            "the file holds more than one YAML document (a second '---')",
            "keep one list of records per file",
            check="two_documents",
        )
        return False
    return True
