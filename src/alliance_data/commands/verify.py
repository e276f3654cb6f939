from __future__ import annotations

from pathlib import Path

import click

from .common import releases_option, reports_errors


@click.command()
@click.argument("version")
@releases_option
@reports_errors
def verify(version: str, releases_dir: Path) -> None:
    """Check every file of release VERSION against its SHA256SUMS (like `sha256sum -c`).

    \b
    Examples:
      alliance-data verify 1.0.0
    """
    from ..release.checksums import verify as run

    directory = releases_dir / f"v{version.removeprefix('v')}"
    if not directory.is_dir():
        raise click.BadParameter(f"no release {version} in {releases_dir}/", param_hint="VERSION")
    names = run(directory)
    click.echo(f"{directory}: {len(names)} files OK")
