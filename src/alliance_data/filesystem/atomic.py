"""Writing a directory so that readers see the old one or the new one, never a mix, and
never in place of something the command did not create.

- `check_target` refuses a target that is a symbolic link or a file, that is or contains a
  protected directory (or lies inside one that must hold nothing of ours), or that is a
  non-empty directory the caller does not recognise as its own earlier output.
- `exclusive_lock` serialises every run writing the same target: a lock file beside it
  (`.NAME.lock`, held with `filelock` on every platform and removed on release); a second run waits, saying which
  process it waits for.
- `atomic_directory` writes into a staging directory unique to the process
  (`.NAME.staging-PID-RANDOM`), renamed into place only when complete. If a run is killed,
  the previous output stays where it was; the next run removes what a dead process left (or,
  if the swap itself was cut, restores the previous output), never what a live one is writing.
- `write_file_atomically` is the same for one file: written aside, then renamed into place.
- An OSError while writing (a full disk, a file size limit, no permission) becomes
  `WriteFailed`: one message, the previous output as it was, the staging removed.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..problems import AllianceDataError


class OutputRefused(AllianceDataError):
    """An output path the command must not write to; nothing was touched."""

    exit_code = 2  # a usage error, like click's


class WriteFailed(AllianceDataError):
    """Writing an output failed part way (a full disk, a size limit); nothing was changed."""


@dataclass(frozen=True)
class Protected:
    """A directory an output must not be, contain, or (if `nothing_inside`) lie inside."""

    path: Path
    label: str
    nothing_inside: bool = False


def _is_within(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def check_target(
    target: Path,
    protected: Iterable[Protected] = (),
    replaceable: Callable[[Path], str | None] = lambda path: "it is not empty",
    advice: str = "choose a new directory",
) -> None:
    """OutputRefused if writing `target` could delete or mix with what the run did not create.

    `replaceable(path)` is None for an existing non-empty directory that may be replaced (an
    earlier output of the same command), else why not."""

    def refuse(reason: str) -> None:
        raise OutputRefused(f"refusing to write {target}: {reason}; nothing was touched. {advice}")

    target = Path(target)
    try:
        _check(target, protected, replaceable, refuse)
    except (OSError, RuntimeError) as error:  # unreadable, or a loop of symbolic links
        refuse(f"it cannot be examined ({error})")


def _check(target: Path, protected, replaceable, refuse) -> None:
    if target.is_symlink():
        refuse(f"it is a symbolic link (to {os.readlink(target)}), and replacing it would break what links to it")
    resolved = target.resolve()
    for guarded in protected:
        where = guarded.path.resolve()
        if resolved == where:
            refuse(f"it is {guarded.label} ({where})")
        if _is_within(where, resolved):
            refuse(f"it contains {guarded.label} ({where})")
        if guarded.nothing_inside and _is_within(resolved, where):
            refuse(f"it lies inside {guarded.label} ({where})")
    if resolved.exists() and not resolved.is_dir():
        refuse("it is a file, not a directory")
    if resolved.is_dir() and any(resolved.iterdir()):
        reason = replaceable(resolved)
        if reason is not None:
            refuse(reason)


# A process that can still write: signal 0 checks it exists without touching it.
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").partition("\n")[0].strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


def _write_pid(fd: int) -> None:
    # The pid only informs a waiting run; the lock holds without it (say, on a full disk).
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))


def _tell(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def exclusive_lock(target: Path, on_wait: Callable[[str], None] = _tell) -> Iterator[None]:
    """Hold the lock of `target` (waiting for another run that holds it, after `on_wait`
    hears whose it is). The lock file is removed before it is released, so a run that was
    waiting on it finds it gone and locks the new one instead (`filelock` sees to that)."""
    # Imported when a lock is taken: reading commands that only write a file atomically
    # (`releases`) need no filelock, which comes with the curate extra.
    import filelock

    # Unix holds the lock with flock on the file, which stays when released (so it is removed by
    # hand); Windows locks the file natively and removes it; elsewhere filelock's soft lock is the
    # file's existence, with the holder's pid on its first line.
    flock = filelock.has_fcntl
    native = flock or sys.platform == "win32"
    target = Path(target)
    path = _lock_path(target)
    lock = filelock.FileLock(path, on_acquired=_write_pid) if native else filelock.FileLock(path)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        on_wait(f"waiting for process {_holder(path)}, which is writing {target} (Ctrl-C to stop)")
        lock.acquire()
    try:
        yield
    finally:
        if flock:
            path.unlink(missing_ok=True)
        lock.release()


def write_file_atomically(path: Path, content: str | bytes) -> Path:
    """Write one file whole or not at all: a new file of a name no other run uses, flushed to
    disk, then renamed over the old one (text is written as UTF-8, newlines as given)."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _tag() -> str:
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def _leftovers(target: Path, kind: str) -> list[tuple[Path, int | None]]:
    """Staging or previous directories of `target` left by runs, with the pid that made each."""
    prefix = f".{target.name}.{kind}-"
    found = []
    for path in target.parent.glob(f"{glob.escape(prefix)}*"):
        pid = path.name[len(prefix) :].partition("-")[0]
        found.append((path, int(pid) if pid.isdigit() else None))
    return sorted(found)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def recover(target: Path) -> None:
    """Undo what killed runs left: half-written staging directories and a half-done swap.
    Only a dead process's leftovers are touched (a live run holds the lock, but a leftover
    is only ever removed when its pid is gone too)."""
    target = Path(target)
    for path, pid in _leftovers(target, "previous"):
        if pid is not None and _alive(pid):
            continue
        if os.path.lexists(target):
            _remove(path)
        else:
            os.rename(path, target)  # cut between the two renames: the previous output returns
    for path, pid in _leftovers(target, "staging"):
        if pid is None or not _alive(pid):
            _remove(path)


def write_failed(target: Path, error: OSError, staging: Path | None = None) -> WriteFailed:
    """The WriteFailed that an OSError met while writing `target` (through `staging`) stands for."""
    where = Path(error.filename) if error.filename else target
    if staging is not None and _is_within(where, staging):
        where = target / where.relative_to(staging)  # the file as it would have been published
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free disk space (or write elsewhere) and run again"
    elif error.errno == errno.EFBIG:
        fix = "a file size limit was reached (ulimit -f): raise it or write elsewhere, and run again"
    elif error.errno == errno.EIO:
        fix = "the disk refused a write (it may be full, over a size limit or failing): free space and run again"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "write to a directory you may write to"
    else:
        fix = "correct the cause and run again"
    return WriteFailed(
        f"could not write {where}: {reason}. Nothing was changed ({target} is as it was before this run) "
        f"and the partial output was removed: {fix}"
    )


@contextmanager
def atomic_directory(
    target: Path,
    *,
    protected: Iterable[Protected] = (),
    replaceable: Callable[[Path], str | None] = lambda path: "it is not empty",
    advice: str = "choose a new directory",
    after_swap: Callable[[], None] | None = None,
    on_wait: Callable[[str], None] = _tell,
) -> Iterator[Path]:
    """Yield an empty directory to write into; on success it replaces `target`.

    `target` is checked (`check_target`) under its lock, so no other run can change it in
    between. `after_swap` runs once the new directory is in place, still under the lock; if
    it fails, the swap is undone. An OSError becomes WriteFailed."""
    target = Path(target)
    staging = None
    try:
        check_target(target, protected, replaceable, advice)  # before anything is created
        target.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(target, on_wait):
            recover(target)
            check_target(target, protected, replaceable, advice)
            tag = _tag()
            staging = target.with_name(f".{target.name}.staging-{tag}")
            staging.mkdir()
            try:
                yield staging
                _swap(staging, target, target.with_name(f".{target.name}.previous-{tag}"), after_swap)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise write_failed(target, error, staging) from None


def _swap(staging: Path, target: Path, previous: Path, after_swap: Callable[[], None] | None) -> None:
    had_previous = target.exists()
    if had_previous:
        os.rename(target, previous)
    try:
        os.rename(staging, target)
    except BaseException:
        if had_previous:
            os.rename(previous, target)
        raise
    if after_swap is not None:
        try:
            after_swap()
        except BaseException:
            os.rename(target, staging)  # removed by the caller
            if had_previous:
                os.rename(previous, target)
            raise
    if had_previous:
        shutil.rmtree(previous, ignore_errors=True)  # what stays is removed by the next run
