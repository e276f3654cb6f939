from __future__ import annotations

import re
from pathlib import Path

import click

from .common import reports_errors

README_BLOCK = re.compile(r"(<!-- argument-map:start -->\n).*?(<!-- argument-map:end -->)", re.S)


def readme_with_map(readme: str, mermaid: str) -> str:
    """The README with its argument-map block replaced by the current Mermaid diagram."""
    return README_BLOCK.sub(lambda m: f"{m.group(1)}```mermaid\n{mermaid}```\n{m.group(2)}", readme)


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default="docs/figures",
    show_default=True,
    help="Directory for the SVG files.",
)
@click.option(
    "--readme",
    type=click.Path(path_type=Path, dir_okay=False),
    default="README.md",
    show_default=True,
    help="README whose <!-- argument-map --> block gets the Mermaid map (skipped if absent).",
)
@reports_errors
def figures(out: Path, readme: Path) -> None:
    """Write the figures and the argument maps (deterministic SVG) from the packaged data.

    \b
    Examples:
      alliance-data figures                  # docs/figures/*.svg and the README's map
      alliance-data figures --out /tmp/figs
    """
    from .. import load, tables
    from ..argument_map import to_mermaid, topic_graph
    from ..figures import _records, write_figures

    frames = {name: load(name) for name in tables()}
    written = write_figures(frames, out)
    mermaid = to_mermaid(topic_graph(*(_records(frames[n]) for n in ("claims", "claim_links", "topics"))))
    (out / "argument-map.mmd").write_text(mermaid, encoding="utf-8")
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        readme.write_text(readme_with_map(text, mermaid), encoding="utf-8")
    click.echo(f"wrote {len(written) + 1} files to {out}/")
