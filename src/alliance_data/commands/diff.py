from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, releases_option, reports_errors


def _tables(spec: str, releases_dir: Path):
    """A version ('1.0.0' or 'v1.0.0'), a release or build directory, or a data directory."""
    from ..build.pipeline import build_tables
    from ..release.trust import ReleaseNotFound, parse_version, release_directory, verify_release
    from ..release.verified_tables import read_verified_tables

    path = Path(spec)
    if (path / "manifest.json").exists() or (path / "manifest.json").is_symlink():
        # A build or release directory: its tables, checked against its manifest.
        return read_verified_tables(path)
    if (path / "sources.yaml").is_file():
        return build_tables(path)
    try:
        parse_version(spec)
    except ReleaseNotFound:
        raise click.BadParameter(f"{spec!r} is not a version, a build directory or a data directory") from None
    try:
        release_directory(spec, releases_dir)
    except ReleaseNotFound as error:
        raise click.BadParameter(str(error)) from None
    # A published release is verified (every record of its files, its formats) before it is read.
    return read_verified_tables(verify_release(spec, releases_dir).directory)


@click.command()
@click.argument("old")
@click.argument("new")
@releases_option
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@reports_errors
@needs_extra("curate")
def diff(old: str, new: str, releases_dir: Path, as_json: bool) -> None:
    """Print what changed from OLD to NEW (versions, build directories or data directories), by stable id.

    \b
    Examples:
      alliance-data diff 1.0.0 data
      alliance-data diff 1.0.0 1.1.0 --json
    """
    from ..release.diff import diff as compare
    from ..release.diff import render

    changes = compare(_tables(old, releases_dir), _tables(new, releases_dir))
    if as_json:
        import json
        from dataclasses import asdict

        click.echo(json.dumps({"required_bump": changes.required_bump(), **asdict(changes)}, indent=2, default=str))
    else:
        click.echo(render(changes, old, new), nl=False)
