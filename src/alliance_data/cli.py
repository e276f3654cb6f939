"""The `alliance-data` command: a thin layer that wires the commands together."""

from __future__ import annotations

import click

from .about import __version__
from .commands.anchor import anchor
from .commands.build import build
from .commands.common import CommandGroup
from .commands.coverage import coverage
from .commands.describe import describe
from .commands.diff import diff
from .commands.figures import figures
from .commands.release import release
from .commands.releases import releases
from .commands.reliability import reliability
from .commands.serve import serve
from .commands.show import show
from .commands.validate import validate
from .commands.verify import verify


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="alliance-data")
def main() -> None:
    """alliance-data: the claims of "Iran And Russia: A Deepening Alliance" as a validated dataset."""


# Explicit registration, in the order a user meets them: look, curate, publish, draw.
# The maintainer tools that write into the repository (packaged data, docs pages) are in tools/.
for command in (
    show,
    describe,
    serve,
    validate,
    anchor,
    coverage,
    reliability,
    build,
    release,
    releases,
    diff,
    verify,
    figures,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
