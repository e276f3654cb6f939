"""Older code beside this checkout's, in the same run: each side is a revision's `src/` (and
`data/`, which its code was written to read) extracted with git archive, run by the same Python
with PYTHONPATH pointing at it. The machine's speed changes from day to day, so only figures of
the sides measured together, alternating, compare."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The commit before release 2.0.0's rules (the issue's baseline), and main before this work
# (release 3.0.0 as cut, before its signal rule was made to match each distinct signal once).
BASELINE = "fa23be2"
MAIN_BEFORE = "5aad66b"
THIS = "this checkout"


@dataclass(frozen=True)
class Side:
    label: str  # the revision, or THIS
    root: Path  # holds src/ and data/

    @property
    def src(self) -> Path:
        return self.root / "src"

    def env(self) -> dict[str, str]:
        return dict(os.environ, PYTHONPATH=str(self.src))


def commit(revision: str) -> str:
    """The short hash of a revision (THIS: the checkout's HEAD, marked when it has changes)."""
    if revision == THIS:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
        return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    found = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip() or revision


def sides(revisions: list[str], workdir: Path, paths: tuple[str, ...] = ("src", "data")) -> list[Side]:
    """A Side for each revision (THIS is the checkout itself), extracted under `workdir`."""
    found = []
    for revision in revisions:
        if revision == THIS:
            found.append(Side(THIS, ROOT))
            continue
        into = workdir / revision.replace("/", "_")
        into.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", revision, *paths], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
        found.append(Side(revision, into))
    return found


def load_average() -> float:
    return os.getloadavg()[0]
