from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_USAGE, needs_extra, releases_option, reports_errors


def _port_free(host: str, port: int) -> bool:
    """Whether the server could listen on host:port (bound as the server binds, then let go)."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError:
        return False
    return True


@click.command()
@click.option("--release", default=None, help="Serve a published release (e.g. 1.0.0); default: the packaged data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
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
    from ..escaping import for_terminal
    from ..serving.server import serve as run

    if not _port_free(host, port):
        # Checked here so that a port in use is a usage mistake like any other, not the server's exit 3.
        click.echo(
            f"error: cannot listen on {for_terminal(host)}:{port}: the address is in use or not available "
            "here; choose another with --port (or --host)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    run(release, host, port, releases_dir)
