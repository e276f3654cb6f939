"""A written file as the manifests list it: its path, its size in bytes, its SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def file_entry(directory: Path, relative: str) -> dict[str, Any]:
    """The entry of the file at `directory / relative`, listed by its relative path."""
    path = directory / relative
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"path": relative, "bytes": path.stat().st_size, "sha256": digest}
