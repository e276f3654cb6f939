"""The SQLite database written beside the rest of a build: a writer told when each table is
final, which writes every part of the database (`sqlite.PARTS`) in a process of its own as
soon as all the part's tables are, then merges the parts (`finish`).

The load is the slowest export, so it starts while the caller goes on validating and writing
the other formats. The processes are forked: the tables are shared with them, not copied;
where fork is not available each part is written in this process when it can start. A
process that fails reports why through a pipe instead of printing a traceback, and `finish`
raises it here: an OSError (a full disk) as itself.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

import pyarrow as pa

from ..codebook.registry import TABLES, TABLES_BY_NAME
from ..problems import AllianceDataError
from .arrow import in_key_order
from .csv import plain
from .sqlite import PARTS, merge_parts, part_paths, write_part


class SqliteWriter:
    """Writes the database at `path` from tables announced final one by one (`table_final`);
    `finish` waits for every part and merges them, `abort` stops them. As a context manager it
    aborts whatever is still running when the block is left without `finish`."""

    def __init__(self, path: Path):
        self.path = path
        self.parts = part_paths(path)
        self.tables: dict[str, pa.Table] = {}
        self.processes: list[multiprocessing.Process] = []
        self.reports: list[Connection] = []  # the reading end of each process's pipe
        self.started: set[int] = set()
        self.finished = False

    def table_final(self, name: str, table: pa.Table) -> None:
        """`table` will not change any more (its rows in any order: they are written in key
        order). Starts every part whose tables are now all final."""
        self.tables[name] = table
        for number, names in enumerate(PARTS):
            if number not in self.started and all(part in self.tables for part in names):
                self._start(number)

    def finish(self) -> None:
        """Wait for every part and merge them into the database; every table must be final."""
        missing = [table.name for table in TABLES if table.name not in self.tables]
        if missing:
            raise ValueError(f"the SQLite database cannot be finished: {', '.join(missing)} not final")
        outcomes = []
        for process, receiver in zip(self.processes, self.reports, strict=True):
            try:
                outcomes.append(receiver.recv())
            except EOFError:
                outcomes.append(None)  # it died before reporting
            receiver.close()
            process.join()
        for process, outcome in zip(self.processes, outcomes, strict=True):
            _raise_failure(process, outcome)
        merge_parts(self.path, self.parts)
        self.finished = True

    def abort(self) -> None:
        """Stop every part still being written (nothing keeps writing into a directory about
        to be discarded)."""
        for process, receiver in zip(self.processes, self.reports, strict=True):
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()

    def __enter__(self) -> SqliteWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.finished:
            self.abort()

    def _start(self, number: int) -> None:
        self.started.add(number)
        tables = {name: self.tables[name] for name in PARTS[number]}
        if "fork" not in multiprocessing.get_all_start_methods():
            _write_part(tables, self.parts[number], PARTS[number])
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_write_part_reporting, args=(sender, tables, self.parts[number], PARTS[number])
        )
        process.start()
        sender.close()  # the child holds the only writing end: its exit ends the pipe
        self.processes.append(process)
        self.reports.append(receiver)


def _raise_failure(process: multiprocessing.Process, outcome: tuple | None) -> None:
    """Raise what a part's process reported, if it failed."""
    if outcome is not None and outcome[0] == "done" and process.exitcode == 0:
        return
    if outcome is not None and outcome[0] == "os-error":
        raise OSError(*outcome[1:])
    if outcome is not None and outcome[0] == "error":
        raise RuntimeError(f"writing the SQLite database failed in a child process:\n{outcome[1]}")
    raise AllianceDataError(
        f"writing the SQLite database failed: its process ended with exit code {process.exitcode} "
        "(a negative code is the signal that stopped it; -9 is often a lack of memory)"
    )


def _write_part(tables: dict[str, pa.Table], part: Path, names: tuple[str, ...]) -> None:
    write_part(part, {name: _in_key_order(name, tables[name]) for name in names}, names)


def _in_key_order(name: str, table: pa.Table) -> pa.Table:
    """The rows in key order, a key of levels sorted by its text as in the published tables."""
    if any(pa.types.is_dictionary(field.type) for field in table.schema):
        table = plain(table)
    return in_key_order(TABLES_BY_NAME[name], table)


def _write_part_reporting(sender: Connection, tables: dict[str, pa.Table], part: Path, names: tuple[str, ...]) -> None:
    """`_write_part` in a child process: the outcome goes to the parent, never a traceback to
    the terminal."""
    try:
        _write_part(tables, part, names)
    except OSError as error:
        sender.send(("os-error", error.errno, error.strerror or str(error), error.filename))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(1)  # the parent heard Ctrl-C too and reports it
    except BaseException:
        sender.send(("error", traceback.format_exc()))
        sys.exit(1)
    sender.send(("done",))
