from __future__ import annotations

import json
from pathlib import Path

import click

from .common import releases_option, reports_errors


@click.command()
@releases_option
@click.option("--json", "as_json", is_flag=True, help="Print releases/index.json as it is.")
@reports_errors
def releases(releases_dir: Path, as_json: bool) -> None:
    """List the published releases from releases/index.json: versions, row counts and checksums.

    \b
    Examples:
      alliance-data releases
      alliance-data releases --json | jq '.releases[-1].files'
    """
    from rich.console import Console
    from rich.table import Table

    from ..problems import AllianceDataError

    path = releases_dir / "index.json"
    if not path.is_file():
        raise AllianceDataError(f"{path} not found: no release has been published there")
    index = json.loads(path.read_text(encoding="utf-8"))
    if as_json:
        click.echo(json.dumps(index, indent=2, ensure_ascii=False))
        return
    view = Table("version", "claims", "files", "SHA-256 of SHA256SUMS", title=f"releases in {releases_dir}/")
    for entry in index["releases"]:
        view.add_row(
            entry["version"], str(entry["tables"].get("claims", "")), str(len(entry["files"])), entry["sha256sums"]
        )
    Console().print(view)
