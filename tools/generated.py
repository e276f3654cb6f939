"""What the maintainer tools share: write the files they generate, or with `--check` only list
the committed ones that are stale (exit 1), which is what the tests run.

A tool gives its files as {path under the repository root: content}.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from alliance_data.problems import AllianceDataError

ROOT = Path(__file__).resolve().parent.parent

Files = dict[Path, bytes]


def shown(path: Path) -> str:
    """A path as a maintainer reads it: from the repository root when it lies inside."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def stale_files(files: Files, root: Path = ROOT) -> list[Path]:
    """The generated files whose committed copy under `root` is missing or different."""
    return [path for path, content in files.items() if not _holds(root / path, content)]


def write_files(files: Files, root: Path = ROOT) -> list[Path]:
    """Write every generated file that changed, each replaced whole; the paths written."""
    written = []
    for path in stale_files(files, root):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(files[path])
        os.replace(temporary, target)
        written.append(path)
    return written


def _holds(path: Path, content: bytes) -> bool:
    return path.is_file() and path.read_bytes() == content


def run(description: str, check: Callable[[], list[str]], write: Callable[[], list[str]], argv=None) -> int:
    """The command line of a tool: write (the default) or `--check`; the exit status."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="write nothing; list stale files and exit 1 if any")
    arguments = parser.parse_args(argv)
    try:
        if arguments.check:
            stale = check()
            for name in stale:
                print(f"stale: {name}", file=sys.stderr)
            return 1 if stale else 0
        for name in write():
            print(f"wrote {name}")
    except AllianceDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return getattr(error, "exit_code", 1)
    return 0
