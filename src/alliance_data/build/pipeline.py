"""The build, top-down: read a data directory; validate it (derive, then check every table);
publish every table in its typed Arrow form; write Parquet, CSV, SQLite and the source texts
into a staging directory; write the manifest once, from what was written; swap the directory
into place whole.

SQLite is the slowest export, so the build starts it early: it tells the SQLite writer
(exports/sqlite_writer.py) each table as soon as nothing changes it any more (the authored
tables before derive, the derived ones after it), and the writer loads the database in other
processes while the checks run. Validation and derivation know nothing of it.

`build()` is what `alliance-data build` runs.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path

import apsw
import pyarrow as pa

from .. import about
from ..codebook.registry import TABLES
from ..curation.derive import DERIVED_TABLES, derive
from ..curation.reading import Dataset
from ..curation.validate import check_derived, read, validate
from ..exports.arrow import typed_table
from ..exports.csv import write_csv
from ..exports.parquet import write_parquet
from ..exports.sqlite_writer import SqliteWriter
from ..filesystem.atomic import Protected, atomic_directory, check_target
from ..filesystem.digest import file_entry
from ..problems import ProblemList
from .source_texts import MANIFEST_KEY as SOURCE_TEXTS_KEY
from .source_texts import write_texts

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
        # The database is written through apsw alone, by the SQLite it carries.
        "apsw": installed_version("apsw"),
        "sqlite": apsw.sqlite_lib_version(),
    }


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


def write_outputs(
    tables: dict[str, pa.Table],
    directory: Path,
    formats: tuple[str, ...] = ALL_FORMATS,
    on_step: Callable[[str], None] | None = None,
    sqlite_writer: SqliteWriter | None = None,
) -> dict[str, object]:
    """Write the given formats into `directory`; the manifest that lists them, not yet written
    (`write_manifest`, once everything it lists is in place). `on_step` hears each step. A
    `sqlite_writer` already told the tables is finished instead of starting one."""
    step = on_step or (lambda name: None)
    files: dict[str, dict[str, dict[str, object]]] = {}
    own = sqlite_writer is None and "sqlite" in formats
    with SqliteWriter(directory / DATABASE_FILE) if own else nullcontext(sqlite_writer) as sqlite:
        if own:
            # The slowest export: it runs in other processes while this one writes the files.
            for name, table in tables.items():
                sqlite.table_final(name, table)
        # One table's files per thread, a thread per core: Arrow writes and hashes them without
        # holding the GIL, and by now the SQLite processes have all been started (no thread
        # runs at a fork). Each file's bytes are its table's alone, so the order of writing
        # changes nothing.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            written = {
                name: pool.submit(_write_files, name, table, directory, formats) for name, table in tables.items()
            }
            for name, future in written.items():
                step(f"writing {name}")
                files[name] = future.result()
        database = None
        if "sqlite" in formats:
            step("writing the SQLite database")
            database = sqlite.finish()
    return {
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


def _write_files(name: str, table: pa.Table, directory: Path, formats: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """The table's Parquet and CSV files (those of `formats`), and their manifest entries."""
    entries = {}
    if "parquet" in formats:
        write_parquet(table, directory / f"{name}.parquet")
        entries["parquet"] = file_entry(directory, f"{name}.parquet")
    if "csv" in formats:
        write_csv(table, directory / f"{name}.csv")
        entries["csv"] = file_entry(directory, f"{name}.csv")
    return entries


def write_manifest(directory: Path, manifest: dict[str, object]) -> None:
    """manifest.json, written once, after every file it lists."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
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


def published_tables(dataset: Dataset) -> dict[str, pa.Table]:
    """Every table of a validated dataset in its published Arrow form."""
    return {spec.name: typed_table(spec, dataset.table(spec.name)) for spec in TABLES}


def build_tables(data_dir: str | Path) -> dict[str, pa.Table]:
    """Validate `data_dir` and return every table in its Arrow form."""
    return published_tables(validate(data_dir))


def validate_telling(
    dataset: Dataset,
    problems: ProblemList,
    sqlite: SqliteWriter | None,
    when_told: Callable[[], None] = lambda: None,
) -> None:
    """Validate a read dataset as `validate_dataset` does (derive, then check every table),
    telling `sqlite` each table as soon as it is final: the tables nothing is derived into
    before derive runs, the derived ones after it; the checks run while it loads them.
    `when_told` runs once every table is told, so the writer forks no more, before the checks."""

    def final(names) -> None:
        if sqlite is not None:
            # The writer forks: memory Arrow's allocator keeps after freeing it would be held
            # by every fork's snapshot too (benchmarks/NOTES.md, the build's peak memory).
            pa.default_memory_pool().release_unused()
            for name in names:
                sqlite.table_final(name, dataset.table(name))

    final(table.name for table in TABLES if table.name not in DERIVED_TABLES)
    derive(dataset)
    final(DERIVED_TABLES)
    when_told()
    check_derived(dataset, problems)


def build_dataset(
    dataset: Dataset,
    problems: ProblemList,
    out_dir: str | Path,
    formats: tuple[str, ...] = ALL_FORMATS,
    on_step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Validate a read dataset, then write its outputs to `out_dir`, which appears atomically,
    complete or not at all.

    The SQLite writer starts as the tables become final, so the slowest export runs while the
    checks do; if a check fails it is stopped and nothing is written. After record-level
    problems validation cannot pass, so it is not started.
    """
    step = on_step or (lambda name: None)
    out = Path(out_dir)
    early = "sqlite" in formats and not problems
    # The source texts are written by a thread while the checks run: creating a few thousand
    # small files can wait on the disk for seconds (benchmarks/NOTES.md), time the checks use.
    # It starts once the SQLite writer has forked its last process: no thread runs at a fork.
    # Leaving the block waits for it, so nothing is written into a staging directory removed.
    with output_directory(out, dataset.data_dir) as staging, ThreadPoolExecutor(max_workers=1) as background:
        texts: list[Future] = []

        def write_texts_meanwhile() -> None:
            texts.append(background.submit(write_texts, staging, source_text_bytes(dataset)))

        with SqliteWriter(staging / DATABASE_FILE) if early else nullcontext() as sqlite:
            validate_telling(dataset, problems, sqlite, write_texts_meanwhile)
            step("publishing")
            tables = published_tables(dataset)
            manifest = write_outputs(tables, staging, formats, on_step, sqlite_writer=sqlite)
        manifest[SOURCE_TEXTS_KEY] = texts[0].result()
        write_manifest(staging, manifest)
    return BuildResult(
        out, {name: table.num_rows for name, table in tables.items()}, sorted(p.name for p in out.iterdir())
    )


class SourceTextBytes(Mapping[str, bytes]):
    """Each source's text as the bytes validation read and checked against its SHA-256 (UTF-8
    read strictly, so encoding it again gives back its exact bytes), encoded when asked for:
    no second copy of every text is held while they are written (at a million claims the
    texts are a tenth of the build's peak memory)."""

    def __init__(self, texts: Mapping[str, str]):
        self._texts = texts

    def __getitem__(self, source_id: str) -> bytes:
        return self._texts[source_id].encode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def source_text_bytes(dataset: Dataset) -> Mapping[str, bytes]:
    """The bytes of each source's text (`SourceTextBytes`)."""
    return SourceTextBytes(dataset.texts)


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
