from __future__ import annotations

from pathlib import Path

import click

from .common import needs_extra, releases_option, reports_errors


@click.command()
@click.option("--release", default=None, help="Serve a published release (e.g. 1.0.0); default: the packaged data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@releases_option
@reports_errors
@needs_extra("serve")
def serve(release: str | None, host: str, port: int, releases_dir: Path) -> None:
    """Browse and search the dataset read-only in Datasette.

    \b
    Examples:
      alliance-data serve
      alliance-data serve --release 1.0.0 --port 8080
    """
    from ..serving.server import serve as run

    run(release, host, port, releases_dir)
