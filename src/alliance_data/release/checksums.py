"""SHA256SUMS files in the format `sha256sum -c` accepts, and their verification."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..problems import AllianceDataError

SUMS_FILE = "SHA256SUMS"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def verify(directory: Path) -> list[str]:
    """The names of the verified files; ChecksumMismatch listing every problem otherwise."""
    path = directory / SUMS_FILE
    if not path.is_file():
        raise ChecksumMismatch(f"{path} is missing: the release cannot be verified")
    problems, verified = [], []
    listed = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not name:
            problems.append(f"{path}:{number}: not a '<sha256>  <file>' line: {line!r}")
            continue
        listed.add(name)
        target = directory / name
        if not target.is_file():
            problems.append(f"{target}: listed in SHA256SUMS but missing")
        elif sha256(target) != digest:
            problems.append(f"{target}: SHA-256 differs from SHA256SUMS (changed or truncated)")
        else:
            verified.append(name)
    unlisted = [name for name in release_files(directory) if name not in listed]
    problems += [f"{directory / name}: not listed in SHA256SUMS" for name in unlisted]
    if problems:
        raise ChecksumMismatch(
            f"{len(problems)} problem(s) verifying {directory}:\n  "
            + "\n  ".join(problems)
            + "\n  fix: download the release again; published releases never change"
        )
    return verified
