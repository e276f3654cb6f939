"""Write the figures of the documentation (docs/figures/: deterministic SVG and the Mermaid map)
and the argument map in the README (between its <!-- argument-map --> markers), from the
packaged data.

Run from the repository root after `python -m tools.package`: `python -m tools.figures`.
`python -m tools.figures --check` lists what is stale; tests/test_figures.py runs it.
Users draw the same figures into a directory of their own with `alliance-data figures --out DIR`.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from tools.generated import ROOT, Files, as_bytes, run, stale_files, write_files

FIGURES = Path("docs") / "figures"
README = Path("README.md")
README_BLOCK = re.compile(r"(<!-- argument-map:start -->\n).*?(<!-- argument-map:end -->)", re.S)


def readme_with_map(readme: str, mermaid: str) -> str:
    """The README with its argument-map block replaced by the current Mermaid diagram."""
    return README_BLOCK.sub(lambda m: f"{m.group(1)}```mermaid\n{mermaid}```\n{m.group(2)}", readme)


def figures(root: Path = ROOT) -> Files:
    """Path under the repository root -> content of every figure and of the README."""
    import alliance_data
    from alliance_data.rendering.figures import mermaid_map, write_figures

    frames = {name: alliance_data.load(name) for name in alliance_data.tables()}
    with tempfile.TemporaryDirectory() as scratch:
        files = {FIGURES / path.name: path.read_bytes() for path in write_figures(frames, Path(scratch))}
    readme = (root / README).read_text(encoding="utf-8")
    return {**files, README: as_bytes(readme_with_map(readme, mermaid_map(frames)))}


def check(root: Path = ROOT) -> list[str]:
    files = figures(root)
    folder = root / FIGURES
    foreign = sorted(p for p in folder.iterdir() if p.relative_to(root) not in files) if folder.is_dir() else []
    return [path.as_posix() for path in stale_files(files, root)] + [
        f"{path.relative_to(root).as_posix()} (not a figure this tool writes: remove it)" for path in foreign
    ]


def write(root: Path = ROOT) -> list[str]:
    return [path.as_posix() for path in write_files(figures(root), root)]


if __name__ == "__main__":
    sys.exit(run(__doc__.split("\n\n")[0], check, write))
