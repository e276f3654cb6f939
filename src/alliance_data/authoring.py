"""Reading the hand-authored YAML files safely, keeping line numbers for error messages.

Safety: files over MAX_FILE_BYTES are refused before they are read; only plain YAML is
accepted (no anchors or aliases, so no "billion laughs"; no tags, so no objects are
constructed). Curators on any system are welcome: a UTF-8 byte-order mark and CRLF or CR
line endings are accepted and normalized, and line numbers stay right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import ProblemList

# libyaml's parser when PyYAML was built with it (it is in the wheels), else the pure-Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Authored files are small and hand-written; 5 MiB is ~30,000 claims in one file. A
# bigger file is almost certainly a mistake and is refused before it is parsed.
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class AuthoredRecord:
    """One mapping from an authored file, with where its parts are."""

    data: dict[str, Any]
    file: Path
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)

    def line_of(self, key: str | None, index: int | None = None) -> int:
        if key is not None and index is not None and index < len(self.item_lines.get(key, [])):
            return self.item_lines[key][index]
        return self.key_lines.get(key, self.line) if key else self.line


def read_text(path: Path, problems: ProblemList, display: str) -> str | None:
    """The text of an authored file, decoded and normalized, or None after adding a problem."""
    try:
        size = path.stat().st_size
    except OSError as error:
        problems.add(display, f"cannot read the file: {error.strerror}", "check the path and permissions")
        return None
    if size > MAX_FILE_BYTES:
        problems.add(
            display,
            f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes for an authored file",
            "split the records over several files",
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(
            display,
            f"file is not UTF-8 (byte 0x{raw[error.start]:02x} at byte offset {error.start})",
            "save the file as UTF-8",
            line=line,
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.add(display, "file is empty", "write the records, or [] for a file with no records yet")
        return None
    return text


def _refuse_unsafe(text: str, display: str, problems: ProblemList) -> bool:
    """Add a problem for every anchor, alias or tag; True when the text is plain YAML."""
    safe = True
    for event in yaml.parse(text, Loader=SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            problems.add(
                display,
                "YAML anchors and aliases (&name, *name) are not allowed",
                "write the value out in full",
                line=line,
            )
            safe = False
        # The parser sets a tag only where one is written explicitly ("!!python/object", "!x").
        if getattr(event, "tag", None) is not None:
            problems.add(display, f"YAML tag {event.tag!r} is not allowed", "remove the tag", line=line)
            safe = False
    return safe


def read_records(path: Path, problems: ProblemList, display: str | None = None) -> list[AuthoredRecord]:
    """The mappings of an authored file: a YAML list of mappings."""
    display = display or str(path)
    text = read_text(path, problems, display)
    if text is None:
        return []
    try:
        if not _refuse_unsafe(text, display, problems):
            return []
        loader = SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                problems.add(display, "file holds no YAML document", "write a list of records, or []")
                return []
            if not isinstance(root, yaml.SequenceNode):
                problems.add(
                    display,
                    "the file must be a YAML list of records",
                    "start each record with '- ' at the left margin",
                    line=root.start_mark.line + 1,
                )
                return []
            return [record for node in root.value if (record := _record(node, loader, display, path, problems))]
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.add(
            display,
            f"YAML syntax error: {error.problem or error.context}",
            "fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote)",
            line=mark.line + 1 if mark else None,
        )
        return []
    except yaml.YAMLError as error:
        problems.add(display, f"YAML error: {error}", "fix the YAML syntax")
        return []


def _record(node: yaml.Node, loader: SafeLoader, display: str, path: Path, problems: ProblemList):
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            display, "each list item must be a mapping of field: value", "write 'field: value' lines", line=line
        )
        return None
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key in key_lines:
            problems.add(
                display,
                f"field {key!r} appears twice in one record (first at line {key_lines[key]})",
                "keep one of the two",
                line=key_node.start_mark.line + 1,
                field=key,
            )
        key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [item.start_mark.line + 1 for item in value_node.value]
    data = loader.construct_object(node, deep=True)
    return AuthoredRecord(data=data, file=path, line=line, key_lines=key_lines, item_lines=item_lines)
