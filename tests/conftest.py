"""Shared fixtures: a private copy of the real data directory that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit an authored file in place; fail loudly if `old` is not there."""
    text = path.read_bytes().decode("utf-8")  # bytes, so CRLF line endings survive the edit
    assert old in text, f"{old!r} not in {path}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))
