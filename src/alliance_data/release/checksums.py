"""SHA256SUMS files in the format `sha256sum -c` accepts, and their verification.

A release directory is flat: SHA256SUMS lists every other entry of it by its bare name, once,
and each entry is a regular file. Anything else (a path, a duplicate, a symlink, an entry
that is not listed) is refused, since whatever sits in the directory is published with it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..filesystem.digest import sha256
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


def release_files(directory: Path) -> list[str]:
    """Every regular file under `directory` but SHA256SUMS, as sorted relative POSIX paths."""
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and not path.is_symlink() and path.relative_to(directory).as_posix() != SUMS_FILE
    )


def write_sums(directory: Path) -> Path:
    names = release_files(directory)
    text = "".join(f"{sha256(directory / name)}  {name}\n" for name in names)
    path = directory / SUMS_FILE
    path.write_text(text, encoding="utf-8")
    return path


class ChecksumMismatch(AllianceDataError):
    """A release file is missing, changed or truncated, or SHA256SUMS is malformed."""


def problem_report(directory: Path, problems: list[str], fix: str) -> list[str]:
    """The lines of an error listing `problems` (see AllianceDataError): a summary, the first
    MAX_LISTED problems, how many more, and the fix."""
    shown = problems[:MAX_LISTED]
    more = len(problems) - len(shown)
    lines = [f"{len(problems)} problem(s) verifying {directory}:", *shown]
    if more:
        lines.append(f"… and {more} more of the same kinds")
    return [*lines, f"fix: {fix}"]


def _entries(directory: Path) -> list[str]:
    """Every entry below `directory` that is not a folder (symlinks included, never followed),
    as relative POSIX paths."""
    found = []
    for root, folders, names in os.walk(directory, followlinks=False):
        relative = Path(root).relative_to(directory)
        # A symlinked folder is an entry to report, not a place to descend into.
        found += [(relative / name).as_posix() for name in folders if os.path.islink(Path(root) / name)]
        found += [(relative / name).as_posix() for name in names]
        # A folder with nothing in it is an entry too: only a listed file justifies a folder.
        if not folders and not names and relative != Path("."):
            found.append(relative.as_posix())
    return sorted(found)


def _not_regular(path: Path, directory: Path | None = None) -> str | None:
    """Why `path` is not a regular file of the release in `directory` (None when it is one)."""
    if directory is not None:
        folders = path.relative_to(directory).parts[:-1]
        for depth in range(1, len(folders) + 1):
            if directory.joinpath(*folders[:depth]).is_symlink():
                return "inside a symlinked folder; a release holds only regular files"
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
    parts = name.split("/")
    if "\\" in name or os.path.isabs(name) or any(part in ("", ".", "..") for part in parts):
        return "names a path outside the release directory; a release lists paths inside it (e.g. stata/claims.dta)"
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
    verified, problems, _ = check_files(directory, read_sums(directory))
    if problems:
        raise ChecksumMismatch(problem_report(directory, problems, FIX))
    return verified


def check_files(
    directory: Path, sums: dict[str, str], sizes: dict[str, int] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """The names of the files that have their SHA-256 of `sums`; the problems of the others and
    of entries `sums` does not list; and the files not hashed because their size is not the one
    `sizes` records (the manifest's): a file grown to gigabytes costs a `stat`, not a read."""
    sizes = sizes or {}
    problems, verified, unhashed = [], [], []
    for name, digest in sums.items():
        target = directory / name
        why = _not_regular(target, directory)
        problem = None if why is None else f"{target}: listed in SHA256SUMS but {why}"
        if problem is None and name in sizes and os.stat(target).st_size != sizes[name]:
            unhashed.append(name)
            continue
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
        present = _entries(directory)
    except OSError as error:
        present = []
        problems.append(f"{directory}: cannot be listed ({error.strerror})")
    problems += [
        f"{directory / name}: not listed in SHA256SUMS (it would be published with the release)"
        for name in present
        if name not in sums and name != SUMS_FILE
    ]
    return verified, problems, unhashed
