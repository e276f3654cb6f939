"""The SQLite database written beside the rest of a build: a writer told when each table is
final, which writes the parts of the database (`sqlite.PARTS`) in another process as soon as
all their tables are (the parts that become ready together, in one process); the process
started last, once it has written its parts, waits for the others to report done, merges
every part (`sqlite.merge_parts`) and hashes the database for the manifest.

The load is the slowest export, so it runs while the caller goes on validating and writing the
other formats. A build tells the tables one by one, so each part starts in a process of its own:
the tables about claims before derive, then the claims with the tables they refer to and those
derived from them, which merges: the claims' part, the longest, starts right after derive
(a build's timeline is in benchmarks/NOTES.md). The processes are forked: the tables are
shared with them, not copied; where fork is not available each part is written in this process
when it can start, and `finish` merges them. A process that fails reports why through a pipe
instead of printing a traceback (the merging process passes on another's failure), and `finish`
raises it here: an OSError (a full disk) as itself.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

import pyarrow as pa

from ..codebook.registry import TABLES
from ..filesystem.digest import file_entry
from ..problems import AllianceDataError
from .sqlite import PARTS, merge_parts, part_paths, write_part


class SqliteWriter:
    """Writes the database at `path` from tables announced final one by one (`table_final`);
    `finish` waits for it, `abort` stops its processes. As a context manager it aborts
    whatever is still running when the block is left without `finish`."""

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
        order). Starts the parts whose tables are now all final, in one process; the process
        that starts the last parts also merges them all."""
        self.tables[name] = table
        ready = [
            number
            for number, names in enumerate(PARTS)
            if number not in self.started and all(part in self.tables for part in names)
        ]
        if ready:
            self._start(ready)

    def finish(self) -> dict[str, object]:
        """Wait for the database: every part written and merged; every table must be final.
        Its manifest entry (`digest.file_entry`): the merging process hashes the file while the
        caller is still writing the other formats."""
        missing = [table.name for table in TABLES if table.name not in self.tables]
        if missing:
            raise ValueError(f"the SQLite database cannot be finished: {', '.join(missing)} not final")
        if not self.processes:  # written in this process (no fork)
            merge_parts(self.path, self.parts)
            self.finished = True
            return file_entry(self.path.parent, self.path.name)
        merging = len(self.processes) - 1  # the last started
        outcome = _receive(self.reports[merging])
        for process, receiver in zip(self.processes, self.reports, strict=True):
            receiver.close()
            process.join()
        failed = merging
        if outcome is not None and outcome[0] == "other-failed":
            # Another process failed before the merge: its own report, or its exit code if it died.
            failed, outcome = outcome[1], outcome[2]
        _raise_failure(self.processes[failed], outcome)
        self.finished = True
        return outcome[1]

    def abort(self) -> None:
        """Stop every process still writing (nothing keeps writing into a directory about to
        be discarded)."""
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

    def _start(self, numbers: list[int]) -> None:
        self.started.update(numbers)
        tables = {name: self.tables[name] for number in numbers for name in PARTS[number]}
        parts = [(self.parts[number], PARTS[number]) for number in numbers]
        if "fork" not in multiprocessing.get_all_start_methods():
            for part, names in parts:
                _write_part(tables, part, names)
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        # The process that starts the last parts merges them all: it inherits every other
        # process's pipe, and waits on them.
        last = len(self.started) == len(PARTS)
        merge = (self.path, self.parts, list(enumerate(self.reports))) if last else None
        process = context.Process(target=_write_parts_reporting, args=(sender, tables, parts, merge))
        process.start()
        sender.close()  # the child holds the only writing end: its exit ends the pipe
        self.processes.append(process)
        self.reports.append(receiver)


def _receive(receiver: Connection) -> tuple | None:
    """A process's report; None if it ended without one."""
    try:
        return receiver.recv()
    except EOFError:
        return None


def _raise_failure(process: multiprocessing.Process, outcome: tuple | None) -> None:
    """Raise what a process reported, if it failed."""
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
    write_part(part, {name: tables[name] for name in names}, names)


def _write_parts_reporting(
    sender: Connection,
    tables: dict[str, pa.Table],
    parts: list[tuple[Path, tuple[str, ...]]],
    merge: tuple[Path, list[Path], list[tuple[int, Connection]]] | None,
) -> None:
    """In a child process: write the parts, then, for the merging process (`merge`: the
    database, every part, the other processes' pipes), once every other process reports done,
    merge them all. The outcome goes to the parent, never a traceback to the terminal; another
    process's failure is passed on as ("other-failed", its index, its outcome)."""

    def work() -> tuple:
        for part, names in parts:
            _write_part(tables, part, names)
        if merge is None:
            return ("done",)
        path, every_part, others = merge
        for index, receiver in others:
            outcome = _receive(receiver)
            if outcome != ("done",):
                return ("other-failed", index, outcome)
        merge_parts(path, every_part)
        return ("done", file_entry(path.parent, path.name))

    try:
        outcome = work()
    except OSError as error:
        outcome = ("os-error", error.errno, error.strerror or str(error), error.filename)
    except KeyboardInterrupt:
        sys.exit(1)  # the parent heard Ctrl-C too and reports it
    except BaseException:
        outcome = ("error", traceback.format_exc())
    sender.send(outcome)
    sys.exit(0 if outcome[0] == "done" else 1)
