"""The build: validate a data directory, then write every table as Parquet, CSV and SQLite,
with a manifest, into a directory that appears atomically.

`build()` is what `alliance-data build` runs; `package()` writes the subset that ships
inside the wheel (Parquet, SQLite, manifest) into src/alliance_data/data/.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import platform
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version as installed_version
from pathlib import Path

import pyarrow as pa

from . import about
from .atomic import atomic_directory
from .derive import DERIVE_STEPS, DERIVED_TABLES
from .exports.arrow import in_key_order, typed_table
from .exports.csv import write_csv
from .exports.parquet import write_parquet
from .exports.sqlite import PARTS, merge_parts, part_paths, write_part
from .problems import ProblemList
from .reading import Dataset
from .registry import TABLES
from .validate import check, read, validate

DATABASE_FILE = "alliance.db"
MANIFEST_FILE = "manifest.json"
ALL_FORMATS = ("parquet", "csv", "sqlite")
PACKAGED_FORMATS = ("parquet", "sqlite")
PACKAGE_DATA_DIR = Path(__file__).parent / "data"


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
    it is started."""

    def __init__(self, path: Path):
        self.path = path
        self.parts = part_paths(path)
        self.processes: list[multiprocessing.Process] = []
        self.started: set[int] = set()

    def start(self, number: int, tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]]) -> None:
        self.started.add(number)
        if "fork" not in multiprocessing.get_all_start_methods():
            _write_part(tables_for, self.parts[number], PARTS[number])
            return
        context = multiprocessing.get_context("fork")
        process = context.Process(target=_write_part, args=(tables_for, self.parts[number], PARTS[number]))
        process.start()
        self.processes.append(process)

    def start_all(self, tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]]) -> None:
        for number in range(len(PARTS)):
            if number not in self.started:
                self.start(number, tables_for)

    def finish(self) -> None:
        for process in self.processes:
            process.join()
        failed = [process.exitcode for process in self.processes if process.exitcode != 0]
        if failed:
            raise RuntimeError(f"writing the SQLite database failed (exit codes {failed})")
        merge_parts(self.path, self.parts)

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _write_part(tables_for: Callable[[tuple[str, ...]], dict[str, pa.Table]], part: Path, names: tuple[str, ...]):
    write_part(part, tables_for(names), names)


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
    with atomic_directory(out) as staging:
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
    if on_step:
        on_step("validating")
    dataset, problems = read(data_dir)
    return build_dataset(dataset, problems, out_dir, formats, on_step)


def package(data_dir: str | Path = "data", out_dir: str | Path = PACKAGE_DATA_DIR) -> BuildResult:
    """Refresh the data that ships inside the package (what `load()` and `serve` read)."""
    return build(data_dir, out_dir, PACKAGED_FORMATS)
