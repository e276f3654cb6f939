"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..extras import require
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

    return wrapper


def needs_extra(extra: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Check, before the command runs, that `extra` is installed; if not, `reports_errors` says
    which extra to install in one line (exit status 2). Goes under `@reports_errors`."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(extra, f"alliance-data {click.get_current_context().info_name}")
            return command(*args, **kwargs)

        return wrapper

    return decorate


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
