from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, releases_option, reports_errors


@click.command()
@click.argument("version")
@releases_option
@reports_errors
@needs_extra("curate")
def verify(version: str, releases_dir: Path) -> None:
    """Check every file of release VERSION against SHA256SUMS, manifest.json, datapackage.json,
    releases/index.json and the index of releases shipped in this package.

    Exits 1 on any disagreement, listing each; a file that SHA256SUMS does not list is one.

    \b
    Examples:
      alliance-data verify 1.0.0
      alliance-data verify 1.0.0 --releases ~/Downloads/alliance-data
    """
    from ..escaping import for_terminal
    from ..release.trust import ReleaseNotFound, verify_release

    try:
        result = verify_release(version, releases_dir)
    except ReleaseNotFound as error:
        raise click.BadParameter(str(error), param_hint="VERSION") from None
    checked = "SHA256SUMS, manifest.json and datapackage.json"
    click.echo(f"{for_terminal(result.directory)}: {len(result.files)} files OK against {checked}")
    for source in result.vouched_by:
        click.echo(f"SHA256SUMS (SHA-256 {result.sums_sha256}) is the one recorded in {for_terminal(source)}")
    for note in result.notes:
        click.echo(f"note: {for_terminal(note)}")
