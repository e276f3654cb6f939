from __future__ import annotations

from pathlib import Path

import click

from ..escaping import json_for_terminal
from .common import releases_option, reports_errors


@click.command()
@releases_option
@click.option("--json", "as_json", is_flag=True, help="Print the index as it is.")
@click.pass_context
@reports_errors
def releases(context: click.Context, releases_dir: Path, as_json: bool) -> None:
    """List the published releases from releases/index.json: versions, row counts and checksums.

    Outside a clone (no releases/ here), the index shipped with the installed package is listed.

    \b
    Examples:
      alliance-data releases
      alliance-data releases --json | jq '.releases[-1].files'
    """
    from .. import about
    from ..escaping import for_terminal
    from ..release.release_index import index_entries
    from ..release.trust import ReleaseNotFound, packaged_index, read_index

    try:
        index, origin = read_index(releases_dir), f"{for_terminal(releases_dir)}/"
        label = str(releases_dir / "index.json")
    except ReleaseNotFound as error:
        shipped = packaged_index()
        defaulted = context.get_parameter_source("releases_dir") is click.core.ParameterSource.DEFAULT
        if not defaulted or releases_dir.exists() or shipped is None:
            raise click.BadParameter(str(error), param_hint="'--releases'") from None
        index, origin = shipped, f"the index shipped with alliance-data {about.__version__}"
        label = origin
        shown = for_terminal(releases_dir)
        click.echo(f"no {shown}/ here: listing {origin} (pass --releases DIR for another)", err=True)
    entries = index_entries(index, label)  # an index not of our shape: a clear error, not a traceback
    if as_json:
        click.echo(json_for_terminal(index, indent=2))
        return
    from .tables import print_rows

    rows = [
        (entry["version"], entry["tables"].get("claims", ""), len(entry["files"]), entry["sha256sums"])
        for entry in entries
    ]
    print_rows(("version", "claims", "files", "SHA-256 of SHA256SUMS"), rows, title=f"releases in {origin}")
