"""Where the examples find the published release (the newest under releases/)."""

from pathlib import Path

RELEASES = Path(__file__).resolve().parents[1] / "releases"


def latest_release() -> Path:
    versions = sorted(
        (p for p in RELEASES.glob("v*") if p.is_dir()), key=lambda p: tuple(int(n) for n in p.name[1:].split("."))
    )
    if not versions:
        raise SystemExit("no release under releases/")
    return versions[-1]
