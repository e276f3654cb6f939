"""A file's SHA-256, and a written file as the manifests list it: its path, its size in bytes,
its SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def sha256(path: Path) -> str:
    """The file's SHA-256, as hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_entry(directory: Path, relative: str) -> dict[str, Any]:
    """The entry of the file at `directory / relative`, listed by its relative path."""
    path = directory / relative
    return {"path": relative, "bytes": path.stat().st_size, "sha256": sha256(path)}
