"""Reading a file of the data directory: only a regular file inside it, bounded in bytes.

Anything else gets one clear problem instead of a traceback or a hang: a directory, a FIFO
(opened without blocking, then refused: reading one would wait for a writer forever), a
device (`/dev/zero` never ends: every read is bounded by the bytes actually read, never by
the size the file system reports), a symbolic link that leads outside the data directory or
nowhere, a file that cannot be opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..problems import ProblemList

_CHUNK = 1024 * 1024
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, its symbolic links followed, lies in the directory `root`."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def outside_problem(path: Path, root: Path, problems: ProblemList, display: str, **where) -> bool:
    """Add a problem when `path` leads outside `root` through a symbolic link; True then."""
    if inside(path, root):
        return False
    problems.add(
        display,
        f"is a symbolic link to {os.path.realpath(path)}, outside the data directory; only files inside it are read",
        "copy the file into the data directory instead of linking to it",
        **where,
        check="link_outside",
    )
    return True


def read_inside(
    path: Path,
    root: Path | None,
    limit: int,
    problems: ProblemList,
    display: str,
    what: str,
    *,
    missing: str = "check the path",
    **where,
) -> bytes | None:
    """The bytes of the regular file `path` (at most `limit`), or None after adding a problem.

    `root`, when given, is the directory the file must lie in once links are followed; `what`
    names the file in messages ("an authored file"); `missing` is the fix when it does not
    exist; `where` (line, record_id, field) places the problems.
    """
    if root is not None and outside_problem(path, root, problems, display, **where):
        return None
    try:
        # The path as checked, links resolved, so a link changed since cannot lead elsewhere.
        descriptor = os.open(
            os.path.realpath(path) if root is not None else path,
            os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0),
        )
    except OSError as error:
        _open_problem(path, error, problems, display, missing, where)
        return None
    try:
        mode = os.fstat(descriptor).st_mode
        for test, kind in _KINDS:
            if test(mode):
                problems.add(
                    display,
                    f"is {kind}, not a regular file",
                    "remove or rename it; only regular files are read",
                    **where,
                    check="not_a_regular_file",
                )
                return None
        size = os.fstat(descriptor).st_size
        if size > limit:  # the size is a hint only: the read below is bounded by itself
            problems.add(
                display,
                f"file is {size:,} bytes, over the limit of {limit:,} bytes for {what}",
                _too_big_fix(what),
                **where,
                check="file_too_large",
            )
            return None
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        problems.add(
            display,
            f"cannot read the file: {error.strerror}",
            "check the file and its disk",
            **where,
            check="unreadable",
        )
        return None
    finally:
        os.close(descriptor)
    if total > limit:
        problems.add(
            display,
            f"file is over the limit of {limit:,} bytes for {what}",
            _too_big_fix(what),
            **where,
            check="file_too_large",
        )
        return None
    return b"".join(chunks)


def read_utf8_inside(
    path: Path,
    root: Path | None,
    limit: int,
    problems: ProblemList,
    display: str,
    what: str,
    *,
    named: str,
    fix: str,
    check: str,
) -> str | None:
    """The text of the regular file `path` read as `read_inside` reads it, decoded as strict UTF-8
    (no BOM stripping, no newline folding: offsets index the text as stored), or None after adding
    a problem. `named` starts the message ("source text"), `fix` mends it, `check` is its code."""
    raw = read_inside(path, root, limit, problems, display, what)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(
            display,
            f"{named} is not UTF-8 (byte 0x{raw[error.start]:02x} at byte offset {error.start})",
            fix,
            line=raw[: error.start].count(b"\n") + 1,
            check=check,
        )
        return None


def _too_big_fix(what: str) -> str:
    return "split the records over several files" if what == "an authored file" else "check that it is the right file"


def _open_problem(path: Path, error: OSError, problems: ProblemList, display: str, missing: str, where) -> None:
    if error.errno == errno.ENOENT and os.path.islink(path):
        message = f"is a symbolic link to {os.readlink(path)}, which does not exist"
        fix = "remove the link, or put the file it names there"
    elif error.errno == errno.ENOENT:
        message, fix = "file not found", missing
    elif error.errno in (errno.EACCES, errno.EPERM):
        message, fix = "permission denied: the file cannot be read", f"make it readable (chmod u+r {display})"
    elif error.errno == errno.ELOOP:
        message, fix = "is a loop of symbolic links", "replace the link with the file"
    else:
        message, fix = f"cannot open the file: {error.strerror}", "check the path and permissions"
    problems.add(display, message, fix, **where, check="unreadable")


def list_folder(folder: Path, root: Path, suffix: str, problems: ProblemList, display: str) -> list[Path] | None:
    """The entries of `folder` whose names end in `suffix`, sorted; None after adding a problem."""
    if outside_problem(folder, root, problems, display):
        return None
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        problems.add(display, "is not a folder", f"make {display} a folder of {suffix} files", check="not_a_folder")
        return None
    except PermissionError:
        problems.add(
            display,
            "permission denied: the folder cannot be listed",
            f"make it readable and searchable (chmod u+rx {display})",
            check="unreadable",
        )
        return None
    except OSError as error:
        problems.add(display, f"cannot list the folder: {error.strerror}", "check the folder", check="unreadable")
        return None
    return sorted(folder / name for name in names if name.endswith(suffix))
