"""SHA256SUMS files in the format `sha256sum -c` accepts, and their verification.

A release directory is flat: SHA256SUMS lists every other entry of it by its bare name, once,
and each entry is a regular file. Anything else (a path, a duplicate, a symlink, an entry
that is not listed) is refused, since whatever sits in the directory is published with it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from ..problems import AllianceDataError

SUMS_FILE = "SHA256SUMS"
# Far more than any release needs (one line per file), so a hostile file cannot fill memory.
MAX_SUMS_BYTES = 1 << 20
# Problems listed in full; the rest are counted.
MAX_LISTED = 20
FIX = "download the release again; published releases never change"
# `sha256sum` writes "HASH  NAME" (text mode) or "HASH *NAME" (binary mode) and reads either,
# with the digest in either case.
_LINE = re.compile(r"(?P<digest>[0-9A-Fa-f]{64}) (?P<mode>[ *])(?P<name>.+)")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sums(directory: Path) -> Path:
    names = sorted(p.name for p in directory.iterdir() if p.is_file() and p.name != SUMS_FILE)
    text = "".join(f"{sha256(directory / name)}  {name}\n" for name in names)
    path = directory / SUMS_FILE
    path.write_text(text, encoding="utf-8")
    return path


class ChecksumMismatch(AllianceDataError):
    """A release file is missing, changed or truncated, or SHA256SUMS is malformed."""


def problem_report(directory: Path, problems: list[str], fix: str) -> str:
    shown = problems[:MAX_LISTED]
    more = len(problems) - len(shown)
    lines = [f"{len(problems)} problem(s) verifying {directory}:", *shown]
    if more:
        lines.append(f"… and {more} more of the same kinds")
    return "\n  ".join([*lines, f"fix: {fix}"])


def _not_regular(path: Path) -> str | None:
    """Why `path` is not a regular file of the release (None when it is one)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if stat.S_ISLNK(mode):
        return "a symlink; a release holds only regular files"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def _name_problem(name: str) -> str | None:
    if name in (".", "..") or "/" in name or "\\" in name or os.path.isabs(name):
        return "names a path outside the release directory; a release lists bare file names"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the file name holds a control character"
    if name == SUMS_FILE:
        return "SHA256SUMS cannot list itself"
    return None


def read_sums(directory: Path) -> dict[str, str]:
    """The file names SHA256SUMS lists and their digests (lower case); ChecksumMismatch
    listing every problem of the file itself."""
    path = directory / SUMS_FILE
    why = _not_regular(path)
    if why is not None:
        raise ChecksumMismatch(f"{path} is {why}: the release cannot be verified")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SUMS_BYTES + 1)
    except OSError as error:
        raise ChecksumMismatch(f"{path} cannot be read ({error.strerror}): the release cannot be verified") from None
    if len(data) > MAX_SUMS_BYTES:
        raise ChecksumMismatch(f"{path} is over {MAX_SUMS_BYTES:,} bytes: not the SHA256SUMS of a release")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ChecksumMismatch(
            f"{path} is not UTF-8 (byte 0x{data[error.start]:02x} at byte offset {error.start}): "
            "not the SHA256SUMS of a release; download the release again"
        ) from None
    problems: list[str] = []
    sums: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line and number == text.count("\n") + 1:
            break  # the end of the last line
        match = _LINE.fullmatch(line)
        if match is None:
            problems.append(f"{path}:{number}: not a '<sha256>  <file>' line: {line[:200]!r}")
            continue
        name = match["name"]
        why = _name_problem(name)
        if why is not None:
            problems.append(f"{path}:{number}: {name[:200]!r} {why}")
        elif name in sums:
            problems.append(f"{path}:{number}: {name!r} is listed twice")
        else:
            sums[name] = match["digest"].lower()
    if problems:
        raise ChecksumMismatch(problem_report(directory, problems, FIX))
    return sums


def verify(directory: Path) -> list[str]:
    """The names of the verified files; ChecksumMismatch listing every problem otherwise."""
    sums = read_sums(directory)
    problems, verified = [], []
    for name, digest in sums.items():
        target = directory / name
        why = _not_regular(target)
        problem = None if why is None else f"{target}: listed in SHA256SUMS but {why}"
        if problem is None:
            try:
                actual = sha256(target)
            except OSError as error:
                problem = f"{target}: cannot be read ({error.strerror})"
            else:
                if actual != digest:
                    problem = f"{target}: SHA-256 differs from SHA256SUMS (changed or truncated)"
        if problem is None:
            verified.append(name)
        else:
            problems.append(problem)
    try:
        present = sorted(os.listdir(directory))
    except OSError as error:
        present = []
        problems.append(f"{directory}: cannot be listed ({error.strerror})")
    problems += [
        f"{directory / name}: not listed in SHA256SUMS (it would be published with the release)"
        for name in present
        if name not in sums and name != SUMS_FILE
    ]
    if problems:
        raise ChecksumMismatch(problem_report(directory, problems, FIX))
    return verified
