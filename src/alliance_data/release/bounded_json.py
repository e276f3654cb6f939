"""Reading the JSON files of a release, a build or an index with bounds: a file over a size is
refused unread, and one nested deeper than any we write is refused before it is parsed (the
parser recurses once per level, so a hostile file of brackets would exhaust the stack).

Every JSON read of a release's files goes through `read_json`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..problems import AllianceDataError

# Our largest JSON file (annotations.jsonld) is under 1 MB; the files read here are far smaller.
MAX_JSON_BYTES = 64 << 20
# Ours nest at most 8 levels deep.
MAX_JSON_DEPTH = 64
# A JSON string (with its escapes) or a run of characters that are neither quotes nor brackets.
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class UnreadableJson(AllianceDataError):
    """A JSON file that is missing, not a regular file, too large, too deep or not UTF-8 JSON."""


def nesting_depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings not counted)."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def read_json(path: Path, what: str, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON document at `path`; UnreadableJson saying what is wrong with it (FileNotFoundError
    when there is no file, for callers to whom a missing file means something else). Only a
    regular file is opened: a FIFO would block the read forever."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableJson(f"{path}: cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise UnreadableJson(f"{path}: not a regular file: not the {what} we publish")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise UnreadableJson(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > max_bytes:
        raise UnreadableJson(f"{path}: over {max_bytes:,} bytes: not the {what} we publish")
    if nesting_depth(data) > max_depth:
        raise UnreadableJson(f"{path}: nested over {max_depth} levels deep: not the {what} we publish")
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise UnreadableJson(f"{path}: not valid UTF-8 JSON ({error}): not the {what} we publish") from None
