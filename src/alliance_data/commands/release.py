from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, needs_extra, releases_option, reports_errors


@click.command()
@click.argument("version")
@data_dir_argument
@releases_option
@reports_errors
@needs_extra("curate")
def release(version: str, data_dir: Path, releases_dir: Path) -> None:
    """Validate DATA_DIR, build, and publish releases/vVERSION (immutable, with checksums and notes).

    \b
    Examples:
      alliance-data release 1.1.0
    """
    from ..codebook.registry import TABLES
    from ..release.cut import release as run
    from ..release.trust import write_packaged_index
    from .common import progress_steps

    with progress_steps(total=2 * len(TABLES) + 2) as step:
        published = run(version, data_dir, releases_dir, on_step=step)
    # The package built from here on vouches for this release too.
    write_packaged_index(releases_dir)
    click.echo(f"published {published.directory}/ (verify with: cd {published.directory} && sha256sum -c SHA256SUMS)")
