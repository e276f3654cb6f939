"""Writing a directory so that readers see the old one or the new one, never a mix.

Files go into a temporary sibling directory, which is renamed into place only when
complete. If a run is killed, the previous output stays where it was; leftovers of a
killed run are removed (or, if the swap itself was cut, restored) by the next run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _staging(target: Path) -> Path:
    return target.with_name(f".{target.name}.staging")


def _previous(target: Path) -> Path:
    return target.with_name(f".{target.name}.previous")


def recover(target: Path) -> None:
    """Undo what a killed run left: a half-written staging directory or a half-done swap."""
    staging, previous = _staging(target), _previous(target)
    if previous.exists():
        if target.exists():
            shutil.rmtree(previous)
        else:
            os.rename(previous, target)
    if staging.exists():
        shutil.rmtree(staging)


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield an empty directory to write into; on success it replaces `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = _staging(target)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = _previous(target)
    if target.exists():
        os.rename(target, previous)
    os.rename(staging, target)
    if previous.exists():
        shutil.rmtree(previous)
