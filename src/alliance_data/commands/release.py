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
    from ..about import bare_version

    # A version that cannot be one is refused before the data is validated (which takes seconds).
    try:
        version = bare_version(version)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="VERSION") from None
    from ..codebook.registry import TABLES
    from ..release.cut import release as run
    from ..release.trust import ReleaseNotFound, parse_version, write_packaged_index
    from .common import progress_steps

    try:
        if parse_version(version) != version:
            raise ReleaseNotFound(f"{version!r}: give the version without a 'v', e.g. {parse_version(version)}")
    except ReleaseNotFound as error:
        raise click.BadParameter(str(error), param_hint="VERSION") from None

    with progress_steps(total=2 * len(TABLES) + 2) as step:
        published = run(version, data_dir, releases_dir, on_step=step)
    from ..escaping import for_terminal

    # The package built from here on vouches for this release too.
    write_packaged_index(releases_dir)
    shown = for_terminal(published.directory)
    click.echo(f"published {shown}/ (verify with: cd {shown} && sha256sum -c SHA256SUMS)")
