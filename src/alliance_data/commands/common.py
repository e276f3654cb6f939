"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..problems import AllianceDataError, ValidationFailed
from ..reader.loading import PackagedDataError

releases_option = click.option(
    "--releases",
    "releases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="releases",
    show_default=True,
    help="Directory where releases are published.",
)
data_dir_argument = click.argument(
    "data_dir", type=click.Path(path_type=Path, file_okay=False), default="data", required=False
)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into a clear message and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as error:
            click.echo(error.report(), err=True)
            sys.exit(1)
        except AllianceDataError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(getattr(error, "exit_code", 1))
        except PackagedDataError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader of our output stopped early (`| head`): nothing is wrong with the data, and
            # the rows it wanted were written. Output is closed so the exit's final flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)

    return wrapper


@contextmanager
def progress_steps(total: int):
    """A progress bar on stderr for a run of named steps; silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("starting", total=total)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)

        yield step
