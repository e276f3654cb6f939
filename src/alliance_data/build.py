"""The build: validate a data directory, then write every table as Parquet, CSV and SQLite,
with a manifest, into a directory that appears atomically.

`build()` is what `alliance-data build` runs.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import platform
import sqlite3
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version as installed_version
from multiprocessing.connection import Connection
from pathlib import Path

import pyarrow as pa

from . import about
from .atomic import Protected, atomic_directory, check_target
from .derive import DERIVE_STEPS, DERIVED_TABLES
from .exports.arrow import in_key_order, typed_table
from .exports.csv import write_csv
from .exports.parquet import write_parquet
from .exports.sqlite import PARTS, merge_parts, part_paths, write_part
from .problems import AllianceDataError, ProblemList
from .reading import Dataset
from .registry import TABLES
from .source_texts import MANIFEST_KEY as SOURCE_TEXTS_KEY
from .validate import check, read, validate

DATABASE_FILE = "alliance.db"
MANIFEST_FILE = "manifest.json"
ALL_FORMATS = ("parquet", "csv", "sqlite")
BUILD_ADVICE = "Give --out a new or empty directory or an earlier build, outside the data directory (e.g. --out build)."


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    rows: dict[str, int]
    files: list[str]


def environment() -> dict[str, str]:
    """The versions that decide the bytes of the output files."""
    return {
        "python": platform.python_version(),
        "pyarrow": pa.__version__,
        "pandas": installed_version("pandas"),
        "pydantic": installed_version("pydantic"),
        "sqlite-utils": installed_version("sqlite-utils"),
        "sqlite": sqlite3.sqlite_version,
        "apsw": installed_version("apsw"),
    }


def _file_entry(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    return {"path": path.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _column_entry(column) -> dict[str, object]:
    entry = {
        "name": column.name,
        "type": "category" if column.enum else column.dtype,
        "nullable": column.nullable,
        "description": column.description,
    }
    if column.enum:
        entry["levels"] = column.levels
        entry["ordered"] = column.ordered
    return entry


class _SqliteJob:
    """The SQLite export: one forked process per part of the tables (`exports.sqlite.PARTS`),
    each started when its tables are ready, merged into one file by `finish`. Forked, so the
    tables are shared, not copied; where fork is not available each part is written here when
    it is started. A process that fails reports why through a pipe instead of printing a
    traceback, and `finish` raises it here: an OSError (a full disk) as itself."""

    def __init__(self, path: Path):
        self.path = path
        self.parts = part_paths(path)
        self.processes: list[multiprocessing.Process] = []
        self.reports: list[Connection] = []  # the reading end of each process's pipe
        self.started: set[int] = set()

    def start(self, number: int, tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]]) -> None:
        self.started.add(number)
        if "fork" not in multiprocessing.get_all_start_methods():
            _write_part(tables_for, self.parts[number], PARTS[number])
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_write_part_reporting, args=(sender, tables_for, self.parts[number], PARTS[number])
        )
        process.start()
        sender.close()  # the child holds the only writing end: its exit ends the pipe
        self.processes.append(process)
        self.reports.append(receiver)

    def start_all(self, tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]]) -> None:
        for number in range(len(PARTS)):
            if number not in self.started:
                self.start(number, tables_for)

    def finish(self) -> None:
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

    def stop(self) -> None:
        for process, receiver in zip(self.processes, self.reports, strict=True):
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()


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


def _write_part(tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]], part: Path, names: tuple[str, ...]):
    write_part(part, tables_for(names), names)


def _write_part_reporting(sender: Connection, tables_for, part: Path, names: tuple[str, ...]) -> None:
    """`_write_part` in a child process: the outcome goes to the parent, never a traceback to
    the terminal."""
    try:
        _write_part(tables_for, part, names)
    except OSError as error:
        sender.send(("os-error", error.errno, error.strerror or str(error), error.filename))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(1)  # the parent heard Ctrl-C too and reports it
    except BaseException:
        sender.send(("error", traceback.format_exc()))
        sys.exit(1)
    sender.send(("done",))


def write_outputs(
    tables: dict[str, pa.Table],
    directory: Path,
    formats: tuple[str, ...] = ALL_FORMATS,
    on_step: Callable[[str], None] | None = None,
    sqlite_job=None,
) -> None:
    """Write the given formats and the manifest into `directory`; `on_step` hears each step.
    A `sqlite_job` already writing the database is waited for instead of starting one."""
    step = on_step or (lambda name: None)
    files: dict[str, dict[str, dict[str, object]]] = {name: {} for name in tables}
    # The SQLite export is independent of the others and the slowest: it runs in other
    # processes (forked, so the tables are shared, not copied) while this one writes the files.
    started_here = sqlite_job is None and "sqlite" in formats
    if started_here:
        sqlite_job = _SqliteJob(directory / DATABASE_FILE)
        sqlite_job.start_all(lambda names: tables)
    try:
        for name, table in tables.items():
            step(f"writing {name}")
            if "parquet" in formats:
                write_parquet(table, directory / f"{name}.parquet")
                files[name]["parquet"] = _file_entry(directory / f"{name}.parquet")
            if "csv" in formats:
                write_csv(table, directory / f"{name}.csv")
                files[name]["csv"] = _file_entry(directory / f"{name}.csv")
        database = None
        if "sqlite" in formats:
            step("writing the SQLite database")
            sqlite_job.finish()
            database = _file_entry(directory / DATABASE_FILE)
    except BaseException:
        if started_here:
            sqlite_job.stop()  # nothing keeps writing into a directory about to be discarded
        raise
    manifest = {
        "name": about.NAME,
        "title": about.TITLE,
        "version": about.__version__,
        "description": about.DESCRIPTION,
        "license": about.LICENSE,
        "citation": about.citation(),
        "environment": environment(),
        "database": database,
        "tables": [
            {
                "name": spec.name,
                "description": spec.description,
                "primary_key": list(spec.primary_key),
                "rows": tables[spec.name].num_rows,
                "columns": [_column_entry(column) for column in spec.columns],
                "files": files[spec.name],
            }
            for spec in TABLES
        ],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")


def _repository_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file():
            return directory
    return None


def protected_directories(data_dir: str | Path | None) -> list[Protected]:
    """What no output may be or contain: the data directory (nor lie inside it), the
    repository root above it or above the current directory, and the current directory."""
    here = Path.cwd().resolve()
    found, starts = [], [here]
    if data_dir is not None:
        data = Path(data_dir).resolve()
        found.append(Protected(data, "the data directory", nothing_inside=True))
        starts.insert(0, data)
    roots = {root for root in map(_repository_root, starts) if root is not None}
    found += [Protected(root, "the repository root") for root in sorted(roots)]
    return [*found, Protected(here, "the current directory")]


def earlier_build(directory: Path) -> str | None:
    """None if `directory` holds an earlier build (a manifest of ours and only the files it
    lists), so a new build may replace it; else why it may not be replaced."""
    manifest_path = directory / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else None
        if not isinstance(manifest, dict) or manifest.get("name") != about.NAME:
            raise ValueError
        ours = {MANIFEST_FILE} | {entry["path"] for table in manifest["tables"] for entry in table["files"].values()}
        if manifest.get("database"):
            ours.add(manifest["database"]["path"])
        # Files in folders (the source texts, a release's other files) are listed by their paths.
        ours |= {entry["path"] for key in (SOURCE_TEXTS_KEY, "other_files") for entry in manifest.get(key) or []}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return f"it is a non-empty directory and not an earlier build (no {MANIFEST_FILE} of {about.NAME} in it)"
    foreign = sorted(_entries_not_listed(directory, ours))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        return f"it holds an earlier build and also what a build does not write ({shown})"
    return None


def _entries_not_listed(directory: Path, listed: set[str]) -> list[str]:
    """Entries below `directory` (relative POSIX paths) that are not listed regular files: a
    symlink or a special file anywhere, a file not listed, a folder holding nothing listed."""
    found = []
    for root, folders, names in os.walk(directory, followlinks=False):
        relative = Path(root).relative_to(directory)
        for name in folders:
            path = relative / name
            if os.path.islink(directory / path) or not any(entry.startswith(f"{path.as_posix()}/") for entry in listed):
                found.append(path.as_posix())
        folders[:] = [name for name in folders if (relative / name).as_posix() not in found]
        for name in names:
            path = (relative / name).as_posix()
            full = directory / path
            if path not in listed or full.is_symlink() or not full.is_file():
                found.append(path)
    return found


def check_output(out_dir: str | Path, data_dir: str | Path | None, advice: str = BUILD_ADVICE) -> None:
    """OutputRefused if a build must not write `out_dir` (see `atomic.check_target`)."""
    check_target(Path(out_dir), protected_directories(data_dir), earlier_build, advice)


def output_directory(out_dir: str | Path, data_dir: str | Path | None, advice: str = BUILD_ADVICE, **options):
    """The one way an output directory is written: checked, locked, staged, swapped in whole
    (`atomic.atomic_directory`)."""
    return atomic_directory(
        Path(out_dir), protected=protected_directories(data_dir), replaceable=earlier_build, advice=advice, **options
    )


def _in_key_order(dataset: Dataset, names: tuple[str, ...]) -> dict[str, pa.Table]:
    return {spec.name: in_key_order(spec, dataset.table(spec.name)) for spec in TABLES if spec.name in names}


def published_tables(dataset: Dataset) -> dict[str, pa.Table]:
    """Every table of a validated dataset in its published Arrow form."""
    return {spec.name: typed_table(spec, dataset.table(spec.name)) for spec in TABLES}


def build_tables(data_dir: str | Path) -> dict[str, pa.Table]:
    """Validate `data_dir` and return every table in its Arrow form."""
    return published_tables(validate(data_dir))


def build_dataset(
    dataset: Dataset,
    problems: ProblemList,
    out_dir: str | Path,
    formats: tuple[str, ...] = ALL_FORMATS,
    on_step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Derive and check a read dataset, then write its outputs to `out_dir`, which appears
    atomically, complete or not at all.

    The SQLite load is the slowest export and needs nothing the checks produce, so it starts
    first, in other processes, on the rows as they are: the part of the tables that nothing
    is derived into before the derive step, the rest right after it. Meanwhile this process
    checks every table. If any check fails the load is stopped and nothing is written; if
    they pass, its rows are the published rows (`in_key_order` is how `typed_table` orders
    them too).
    """
    step = on_step or (lambda name: None)
    out = Path(out_dir)
    early = "sqlite" in formats and not problems  # record-level problems: the load would be wasted
    with output_directory(out, dataset.data_dir) as staging:
        sqlite_job = _SqliteJob(staging / DATABASE_FILE) if early else None
        try:
            final = {table.name for table in TABLES} - set(DERIVED_TABLES)
            _start_final_parts(sqlite_job, dataset, final)
            step("deriving")
            for table, derive_step in DERIVE_STEPS:
                derive_step(dataset)
                final.add(table)
                _start_final_parts(sqlite_job, dataset, final)
            step("checking tables")
            check(dataset, problems)
            tables = published_tables(dataset)
            write_outputs(tables, staging, formats, on_step, sqlite_job=sqlite_job)
            ship_source_texts(dataset, staging)
        finally:
            if sqlite_job is not None:
                sqlite_job.stop()
    return BuildResult(
        out, {name: table.num_rows for name, table in tables.items()}, sorted(p.name for p in out.iterdir())
    )


def ship_source_texts(dataset: Dataset, directory: Path) -> None:
    """Each source's text beside the tables, byte for byte, listed in the manifest (UTF-8 text
    that was read strictly, so encoding it again gives back its exact bytes)."""
    from .source_texts import add_to_manifest, write_texts

    texts = {source_id: text.encode("utf-8") for source_id, text in dataset.texts.items()}
    add_to_manifest(directory, write_texts(directory, texts), MANIFEST_FILE)


def _start_final_parts(job: _SqliteJob | None, dataset: Dataset, final: set[str]) -> None:
    """Start loading every part of the database whose tables are all final."""
    for number, names in enumerate(PARTS):
        if job is not None and number not in job.started and set(names) <= final:
            job.start(number, partial(_in_key_order, dataset))


def build(
    data_dir: str | Path = "data",
    out_dir: str | Path = "build",
    formats: tuple[str, ...] = ALL_FORMATS,
    on_step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Validate, then write the outputs atomically; on any problem nothing is written."""
    check_output(out_dir, data_dir)  # before the work, and again under the lock
    if on_step:
        on_step("validating")
    dataset, problems = read(data_dir)
    return build_dataset(dataset, problems, out_dir, formats, on_step)
