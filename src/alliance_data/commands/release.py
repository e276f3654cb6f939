from __future__ import annotations

from pathlib import Path

import click

from .common import data_dir_argument, needs_extra, releases_option, reports_errors


def _semantic_version(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """VERSION read as everywhere (`about.bare_version`), checked while the arguments are parsed:
    a version that cannot be one is refused before DATA_DIR is looked at or validated."""
    from ..about import bare_version

    try:
        return bare_version(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("version", callback=_semantic_version)
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
    from ..escaping import for_terminal

    # The package built from here on vouches for this release too.
    write_packaged_index(releases_dir)
    shown = for_terminal(published.directory)
    click.echo(f"published {shown}/ (verify with: cd {shown} && sha256sum -c SHA256SUMS)")
