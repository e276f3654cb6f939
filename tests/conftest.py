"""Shared fixtures: a private copy of the real data directory that a test may break, the server,
and what a heavy tier does when its tool is missing."""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# Set by scripts/test (CI): every tier runs, and nothing it needs may be missing.
STRICT = os.environ.get("ALLIANCE_DATA_STRICT") == "1"


def missing_tool(message: str) -> None:
    """A tool a heavy tier needs is not installed: under scripts/test that fails the test, so CI can
    never pass by skipping it; in a developer's own run it skips with the same message."""
    if STRICT:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def made_once(tmp_path_factory, name: str, make) -> Path:
    """`make(folder)`'s result (a path), made once for the whole run: in a run on several workers
    (pytest-xdist), by the first worker that asks, under a lock, in the folder the workers' own
    temporary folders share; the others wait for it and read the same."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(tmp_path_factory.mktemp(name))
    shared = base.parent / name
    made = base.parent / f"{name}.made"
    with FileLock(base.parent / f"{name}.lock"):
        if not made.exists():
            shared.mkdir(exist_ok=True)  # a worker whose make failed may have left it
            made.write_text(str(make(shared)), encoding="utf-8")
    return Path(made.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """A release of data/ at the package's version, made once for the run's tests. They only
    read it; a test that damages a release damages a copy."""
    from alliance_data import about
    from alliance_data.release.cut import release

    return made_once(tmp_path_factory, "releases", lambda folder: release(about.__version__, DATA, folder).directory)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A build of data/, made once for the run's tests, which only read it (or copy it)."""
    from alliance_data.build.pipeline import build

    return made_once(tmp_path_factory, "built", lambda folder: build(DATA, folder / "build").directory)


# What reading one authored file gave, by its name and bytes: the rows, problems, unread names and
# invalid ids it added. A negative test edits one file of a copy; the others read as before.
_READ_FILES: dict[tuple, dict] = {}
# The problems the column checks of one table found, by the table's content and origins.
_CHECKED_COLUMNS: dict[tuple, list] = {}
# Whether the one DuckDB scan of a table's columns found nothing, by the table's name and content.
_COLUMNS_PASS: dict[tuple, bool] = {}
# The problems the table checks (columns and rules) found, by the content of every table they read
# and every origin: tests that break one record the same way (it is dropped) give them the same tables.
_TABLES_CHECKED: dict[str, list] = {}


def arrow_bytes(table) -> bytes:
    import pyarrow

    sink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return sink.getvalue().to_pybytes()


@pytest.fixture
def unchanged_parts_checked_once(request, monkeypatch):
    """Validation reads a file whose bytes it has read before from memory, replaying what the
    reading added, and replays the column checks of a table it has checked before (same rows,
    same origins); a file that is not a plain regular file of the copy is read for real.

    For the tests that edit a record or two and check what validation says about them: the
    edited file is read, its table's columns checked and every rule run as they always are.
    The scan of a table's columns is replayed by the table's content alone; every table check
    (columns and rules) is replayed when every table they read and every origin is as in an
    earlier run. A test marked `reads_for_real` (it patches `os` to deny a read, which the replay's own
    read of the bytes would not see) reads everything for real.
    """
    if request.node.get_closest_marker("reads_for_real"):
        return
    from types import SimpleNamespace

    from alliance_data import rules
    from alliance_data.curation import authoring, reading
    from alliance_data.rules import local

    def recorder(found: list) -> SimpleNamespace:
        return SimpleNamespace(add=lambda *args, **kwargs: found.append((args, kwargs)))

    check_columns_for_real = local.check_columns

    def columns_checked_once(dataset, table, problems) -> None:
        arrow = dataset.table(table.name)
        content = hashlib.sha256(arrow_bytes(arrow) + repr(dataset.origins.get(table.name)).encode())
        key = (table.name, content.hexdigest())
        if key not in _CHECKED_COLUMNS:
            check_columns_for_real(dataset, table, recorder(_CHECKED_COLUMNS.setdefault(key, [])))
        for args, kwargs in _CHECKED_COLUMNS[key]:
            problems.add(*args, **kwargs)

    monkeypatch.setattr(local, "check_columns", columns_checked_once)

    columns_pass_for_real = local.columns_pass

    def columns_pass_once(connection, table, arrow) -> bool:
        # A pure function of the table's rows and schema (its failures are reported by
        # check_columns, above, with the origins).
        key = (table.name, hashlib.sha256(arrow_bytes(arrow)).hexdigest())
        if key not in _COLUMNS_PASS:
            _COLUMNS_PASS[key] = columns_pass_for_real(connection, table, arrow)
        return _COLUMNS_PASS[key]

    monkeypatch.setattr(local, "columns_pass", columns_pass_once)

    check_tables_for_real = rules.check_tables

    def tables_checked_once(dataset, problems) -> None:
        # What a check's message or location can read: its input tables (the texts among them),
        # the origins, and which tables are reported at the rows of another.
        content = hashlib.sha256()
        for name, table in sorted(local.rule_inputs(dataset).items()):
            content.update(name.encode() + b"\0" + arrow_bytes(table))
        content.update(repr(sorted(dataset.origins.items())).encode() + repr(dataset.reported_at).encode())
        key = content.hexdigest()
        if key not in _TABLES_CHECKED:
            found: list = []
            check_tables_for_real(dataset, recorder(found))
            _TABLES_CHECKED[key] = found
        for args, kwargs in _TABLES_CHECKED[key]:
            problems.add(*args, **kwargs)

    # validate looks check_tables up in alliance_data.rules when it runs.
    monkeypatch.setattr(rules, "check_tables", tables_checked_once)

    read_for_real = reading._read_table_file

    def remembered(dataset, rows, table_name, path, problems) -> None:
        path = Path(path)
        try:
            plain = not path.is_symlink() and path.is_file() and os.path.realpath(path) == os.path.abspath(path)
            raw = path.read_bytes() if plain else None
        except OSError:
            raw = None
        if raw is None:
            read_for_real(dataset, rows, table_name, path, problems)
            return
        display = reading._display(path, dataset.data_dir)
        key = (table_name, display, authoring.MAX_FILE_BYTES, authoring.MAX_RECORDS, hashlib.sha256(raw).hexdigest())
        if key not in _READ_FILES:
            added = {"rows": [], "problems": [], "unread": [], "invalid": {}}
            shadow = SimpleNamespace(
                data_dir=dataset.data_dir, unread_files=added["unread"], invalid_ids=added["invalid"]
            )
            row_recorder = SimpleNamespace(add=lambda *args: added["rows"].append(args))
            read_for_real(shadow, row_recorder, table_name, path, recorder(added["problems"]))
            _READ_FILES[key] = added
        added = _READ_FILES[key]
        for args, kwargs in added["problems"]:
            problems.add(*args, **kwargs)
        # Rows hold scalars only and origins are frozen: a shallow copy keeps the remembered row
        # whatever the reading does with the one it is given (a deep copy cost a quarter of a run).
        for table, row, origin in added["rows"]:
            rows.add(table, dict(row), origin)
        dataset.unread_files.extend(added["unread"])
        for table, ids in added["invalid"].items():
            dataset.invalid_ids.setdefault(table, set()).update(ids)

    monkeypatch.setattr(reading, "_read_table_file", remembered)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit an authored file in place; fail loudly if `old` is not there."""
    text = path.read_bytes().decode("utf-8")  # bytes, so CRLF line endings survive the edit
    assert old in text, f"{old!r} not in {path}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(stderr=None, preexec_fn=None):
    """A real `alliance-data serve` on loopback for the block: (url, process); stopped after it.
    `preexec_fn` runs in the child before it starts (to lower its resource limits)."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance_data.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("alliance-data serve did not start") from None
            time.sleep(0.05)  # a refused connection costs nothing: answered as soon as it listens
    try:
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def served():
    """A real `alliance-data serve` on loopback, stopped at the end of the session: (url, process)."""
    with running_server() as started:
        yield started


@pytest.fixture(scope="session")
def server(served):
    return served[0]


def tiny_rule_problems(tables: dict[str, list[dict]], texts: dict[str, str] | None = None) -> list:
    """What the rules find through the rule engine (each rule's query in DuckDB over Arrow
    tables, its message and fix) in a dataset of only the given rows, every other table empty.

    For a test of one rule's logic: a few rows, no files read, no columns checked. Its problems
    name a row by table and key (the rows have no origin); each rule file keeps one test over the
    whole curated data, which names file and line.
    """
    from alliance_data.codebook.registry import TABLES_BY_NAME
    from alliance_data.curation.reading import Dataset, plain_table
    from alliance_data.problems import ProblemList
    from alliance_data.rules.local import run_rules

    arrow = {name: plain_table(TABLES_BY_NAME[name], rows) for name, rows in tables.items()}
    dataset = Dataset(Path("tiny"), arrow, {}, dict(texts or {}), {})
    problems = ProblemList(limit=None)
    run_rules(dataset, problems)
    return problems.problems
