"""Options and error handling shared by the commands.

The one rule for exit statuses, for every command:

- 0 (`EXIT_OK`): done, nothing wrong;
- 1 (`EXIT_PROBLEMS`): problems in the data or in the files read or written (invalid records, a
  file that cannot be read, a checksum that disagrees, a write that failed);
- 2 (`EXIT_USAGE`): the command line is wrong (an unknown option or version, a bad value, a path
  argument that does not exist or is of the wrong kind, an output the command must not write,
  a port in use). click exits 2 for its own usage errors; ours say so with `exit_code = 2`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..escaping import for_terminal
from ..extras import require
from ..problems import AllianceDataError, ValidationFailed
from ..reader.loading import PackagedDataError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

releases_option = click.option(
    "--releases",
    "releases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="releases",
    show_default=True,
    help="Directory where releases are published.",
)
# A data directory that does not exist is a usage mistake, as a file given in its place is.
data_dir_argument = click.argument(
    "data_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default="data", required=False
)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into a clear message and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as error:
            click.echo(error.report(), err=True)  # each problem escaped by Problem.__str__
            sys.exit(EXIT_PROBLEMS)
        except AllianceDataError as error:
            summary, *details = error.lines or (str(error),)
            click.echo(f"error: {for_terminal(summary)}", err=True)
            for line in details:  # each escaped on its own line: none can break or forge another
                click.echo(f"  {for_terminal(line)}", err=True)
            sys.exit(EXIT_USAGE if getattr(error, "exit_code", EXIT_PROBLEMS) == EXIT_USAGE else EXIT_PROBLEMS)
        except PackagedDataError as error:
            click.echo(f"error: {for_terminal(error)}", err=True)
            sys.exit(EXIT_PROBLEMS)
        except BrokenPipeError:
            # The reader of our output stopped early (`| head`): nothing is wrong with the data, and
            # the rows it wanted were written. Output is closed so the exit's final flush stays quiet.
            _discard_output()
            sys.exit(0)
        except OSError as error:
            # Every file a command writes goes through filesystem/atomic.py, which reports its own
            # failures; what reaches here is the output itself refused (`> /dev/full`, a full disk
            # or quota under a redirection, an I/O error on the terminal).
            _discard_output()
            where = for_terminal(error.filename) if error.filename else "the standard output"
            with contextlib.suppress(OSError):
                click.echo(f"error: could not write {where}: {for_terminal(error.strerror or error)}", err=True)
            sys.exit(EXIT_PROBLEMS)

    return wrapper


def needs_extra(extra: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Check, before the command runs, that `extra` is installed; if not, `reports_errors` says
    which extra to install in one line (exit status 2). Goes under `@reports_errors`."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(extra, f"alliance-data {click.get_current_context().info_name}")
            return command(*args, **kwargs)

        # Read by the command group, which checks the extra before the arguments are parsed.
        wrapper.needs_extra = extra  # type: ignore[attr-defined]
        return wrapper

    return decorate


def output_console():
    """A rich Console on the standard output whose reader stopping early (`| head`) ends the
    command as any other output does (exit 0), where rich's own handling exits 1, which here
    means a problem in the data."""
    from rich.console import Console

    class _OutputConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _OutputConsole()


def _discard_output() -> None:
    """Send what is left in the output's buffer nowhere, so the exit's final flush stays quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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


class CommandGroup(click.Group):
    """The `alliance-data` group: a command whose extra is missing says so in one line (exit 2)
    before its arguments are read, so a missing extra is never reported as a missing DATA_DIR;
    `--help` still works without it."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        extra = getattr(getattr(command, "callback", None), "needs_extra", None)
        if extra and not {"--help", "-h"} & set(rest):
            try:
                require(extra, f"alliance-data {name}")
            except AllianceDataError as error:
                click.echo(f"error: {for_terminal(error)}", err=True)
                ctx.exit(EXIT_USAGE)
        return name, command, rest
