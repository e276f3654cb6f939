"""Where outputs go: `build`, `release` and `tools/package.py` never delete or mix what they did not
create, two runs into one place never mix, and a full disk is one clear message."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import alliance_data
from alliance_data import about
from alliance_data.cli import main
from conftest import DATA, ROOT, replace_in

pytestmark = pytest.mark.slow  # Full builds and releases into a copy of the repository, one or more per test.

SRC = Path(alliance_data.__file__).parents[1]  # the code under test, for the runs in other processes


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under `root`: a file's bytes, a link's target, or that it is a directory."""
    found = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir",)
            else:
                found[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return found


@pytest.fixture
def repo(tmp_path, monkeypatch, built) -> Path:
    """A repository checkout: pyproject.toml, data/, an earlier build, a published release,
    run from its root."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "alliance-data"\n')
    shutil.copytree(DATA, root / "data")
    shutil.copytree(built, root / "build")
    shutil.copytree(ROOT / "releases", root / "releases")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "theirs.txt").write_text("not ours")
    monkeypatch.chdir(root)
    return root


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_refused(result, phrase: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "Traceback" not in result.output
    assert phrase in result.output, result.output
    assert "nothing was touched" in result.output or "Invalid value" in result.output


def _link(target: str, name: str = "link"):
    def setup(root: Path) -> str:
        os.symlink(target, root / name)
        return name

    return setup


def _with_files(name: str, *files: str, manifest: dict | None = None, copy_of: str | None = None):
    def setup(root: Path) -> str:
        directory = root / name
        if copy_of:
            shutil.copytree(root / copy_of, directory)
        directory.mkdir(parents=True, exist_ok=True)
        for file in files:
            (directory / file).write_text("kept")
        if manifest is not None:
            (directory / "manifest.json").write_text(json.dumps(manifest))
        return name

    return setup


def _curated_copy_elsewhere(out: str):
    def setup(root: Path) -> str:
        shutil.copytree(root / "data", root.parent / "curated")
        return out

    return setup


# Each case: how to set it up (returns the --out to give) and what the refusal says.
BUILD_CASES = {
    "the data directory": (lambda root: "data", "it is the data directory"),
    "a folder inside it": (lambda root: "data/claims", "it lies inside the data directory"),
    "a new folder inside it": (lambda root: "data/new/sub", "it lies inside the data directory"),
    "the repository root (.)": (lambda root: ".", "it contains the data directory"),
    "the folder above (..)": (lambda root: "..", "it contains the data directory"),
    "the repository root, absolute": (lambda root: str(root), "it contains the data directory"),
    "the root of the file system": (lambda root: "/", "it contains the data directory"),
    "the repository root, data elsewhere": (_curated_copy_elsewhere("."), "it is the repository root"),
    "a symlink to a directory": (_link("../elsewhere"), "it is a symbolic link"),
    "a symlink to the data directory": (_link("data"), "it is a symbolic link"),
    "a dangling symlink": (_link("nowhere"), "it is a symbolic link"),
    "below a loop of symlinks": (lambda root: _link("loop", "loop")(root) + "/x", "cannot be examined (Symlink loop"),
    "a non-empty directory": (_with_files("notes", "a.txt"), "not an earlier build"),
    "another program's manifest": (_with_files("other", manifest={"name": "other"}), "not an earlier build"),
    "an earlier build with a file of the user's": (
        _with_files("build", "mine.txt"),
        "also what a build does not write (mine.txt)",
    ),
    "a published release": (lambda root: "releases/v1.0.0", "also what a build does not write (RELEASE_NOTES.md"),
    "the releases directory": (lambda root: "releases", "not an earlier build"),
    "a file": (lambda root: (root / "afile").write_text("a") and "afile", "is a file"),
}


@pytest.mark.parametrize("case", list(BUILD_CASES))
def test_build_refuses_an_output_it_must_not_replace(repo, case):
    setup, phrase = BUILD_CASES[case]
    data = "../curated" if "data elsewhere" in case else "data"
    out = setup(repo)
    before = snapshot(repo.parent)
    result = invoke("build", data, "--out", out)
    assert_refused(result, phrase)
    if "Invalid value" not in result.output:
        assert f"refusing to write {out}" in result.output and "--out" in result.output
    assert snapshot(repo.parent) == before


def test_build_replaces_an_earlier_build_and_fills_an_empty_directory(repo):
    (repo / "empty").mkdir()
    before = snapshot(repo / "build")
    for out in ("build", "empty"):
        result = invoke("build", "data", "--out", out)
        assert result.exit_code == 0, result.output
    assert snapshot(repo / "build") == before  # same input, same bytes
    assert snapshot(repo / "empty") == before


RELEASE_CASES = {
    "inside the data directory": (lambda root: "data", "it lies inside the data directory"),
    "a symlinked release directory": (
        lambda root: os.symlink("../../elsewhere", root / "releases" / f"v{about.__version__}", True) or "releases",
        "it is a symbolic link",
    ),
    "a dangling symlinked release directory": (
        lambda root: os.symlink("nowhere", root / "releases" / f"v{about.__version__}", True) or "releases",
        "it is a symbolic link",
    ),
}


@pytest.mark.parametrize("case", list(RELEASE_CASES))
def test_release_refuses_an_output_it_must_not_write(repo, case):
    setup, phrase = RELEASE_CASES[case]
    shutil.rmtree(repo / "releases" / f"v{about.__version__}")  # the version about to be released
    releases = setup(repo)
    before = snapshot(repo.parent)
    result = invoke("release", about.__version__, "data", "--releases", releases)
    assert_refused(result, phrase)
    assert "--releases" in result.output
    assert snapshot(repo.parent) == before


def test_package_refuses_to_replace_what_it_did_not_write(repo):
    from tools.package import package

    from alliance_data.filesystem.atomic import OutputRefused

    shipped = repo / "src" / "alliance_data" / "data"
    shutil.copytree(repo / "build", shipped)
    (shipped / "notes.txt").write_text("a curator's notes")
    before = snapshot(repo.parent)
    with pytest.raises(OutputRefused, match=r"also what a build does not write \(notes.txt\)"):
        package("data", shipped)
    assert snapshot(repo.parent) == before
    # A data directory that holds the package's data directory is refused too.
    (shipped / "notes.txt").unlink()
    before = snapshot(repo.parent)
    with pytest.raises(OutputRefused, match="it lies inside the data directory"):
        package("src", shipped)
    assert snapshot(repo.parent) == before


# Two builds of different inputs into one --out at once.

FIRST = "statement: Iran and Russia's relationship is not a recent development."


def variant(root: Path, tag: str) -> tuple[Path, str]:
    data = root / f"data-{tag}"
    shutil.copytree(DATA, data)
    replace_in(data / "claims/irda-s1.yaml", FIRST, FIRST[:-1] + f" (variant {tag}).")
    return data, f"Iran and Russia's relationship is not a recent development (variant {tag})."


def statement_of_first_claim(out: Path) -> set[str]:
    """The first claim's statement as each format holds it, after checking every file
    against its checksum in the manifest."""
    manifest = json.loads((out / "manifest.json").read_text())
    entries = [entry for table in manifest["tables"] for entry in table["files"].values()] + [manifest["database"]]
    entries += manifest.get("source_texts", [])
    for entry in entries:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted([e["path"] for e in entries] + ["manifest.json"])
    found = set()
    for table in (pq.read_table(out / "claims.parquet"), pacsv.read_csv(out / "claims.csv")):
        found |= {row["statement"] for row in table.to_pylist() if row["claim_id"] == "irda-s1-001"}
    with sqlite3.connect(out / "alliance.db") as db:
        found |= {row[0] for row in db.execute("select statement from claims where claim_id = 'irda-s1-001'")}
    return found


def cli(*args: str, **options) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "alliance_data.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


TRIALS = 10


def test_concurrent_builds_into_one_output_never_mix(tmp_path):
    inputs = dict(variant(tmp_path, tag) for tag in "AB")
    out = tmp_path / "out"
    waited = 0
    for trial in range(TRIALS):
        runs = [cli("build", str(data), "--out", str(out)) for data in inputs]
        finished = [(run.returncode, stderr) for run in runs for _, stderr in [run.communicate(timeout=300)]]
        if any(code == 0 for code, _ in finished):  # an exit 0 means a consistent output, wholly one input's
            statements = statement_of_first_claim(out)
            assert len(statements) == 1 and statements <= set(inputs.values()), (trial, statements)
        for code, stderr in finished:  # and the second run waits for the first instead of failing
            assert code == 0 and "Traceback" not in stderr, stderr
            waited += "waiting for process" in stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data-A", "data-B", "out"]
    assert waited, "the builds never overlapped: the test did not test the lock"


# A full disk, simulated without privileges: a file size limit for the run (RLIMIT_FSIZE),
# inherited by the SQLite processes, so writes fail with EFBIG as they would with ENOSPC.


def limited(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_build_is_one_message_and_keeps_the_previous_output(tmp_path, built):
    out = tmp_path / "build"
    shutil.copytree(built, out)
    before = snapshot(tmp_path)
    sizes = sorted(p.stat().st_size for p in built.iterdir())
    database = (built / "alliance.db").stat().st_size
    # A limit that stops a CSV or Parquet file in this process, one that stops the parts of
    # the database in the SQLite processes, one that stops the merged database.
    for limit in (sizes[len(sizes) // 2], database // 4, database * 3 // 4):
        run = cli("build", str(DATA), "--out", str(out), preexec_fn=limited(limit), cwd=tmp_path)
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 1, (limit, stderr)
        assert "Traceback" not in stderr, (limit, stderr)
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(f"error: could not write {out}"), (limit, stderr)
        assert "is as it was before this run" in errors[0]
        assert snapshot(tmp_path) == before, limit  # previous output intact, no staging, no lock


def test_a_full_disk_in_the_sqlite_processes_is_reported_once(tmp_path, monkeypatch, capfd):
    import apsw

    from alliance_data.exports import sqlite

    def full(*args, **kwargs):
        raise apsw.FullError("database or disk is full")

    monkeypatch.setattr(sqlite, "_insert_rows", full)  # the forked processes inherit it
    result = invoke("build", str(DATA), "--out", str(tmp_path / "out"))
    captured = capfd.readouterr()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "could not write" in result.output and "database or disk is full" in result.output
    assert "free disk space" in result.output
    assert "Traceback" not in result.output + captured.err + captured.out
    assert os.listdir(tmp_path) == []


def test_a_killed_sqlite_process_is_one_message(tmp_path, monkeypatch, capfd):
    import signal

    from alliance_data.exports import sqlite

    monkeypatch.setattr(sqlite, "_insert_rows", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    result = invoke("build", str(DATA), "--out", str(tmp_path / "out"))
    captured = capfd.readouterr()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "its process ended with exit code -9" in result.output
    assert "Traceback" not in result.output + captured.err + captured.out
    assert os.listdir(tmp_path) == []


def test_a_full_disk_writing_parquet_is_one_message(tmp_path, monkeypatch):
    from alliance_data.build import pipeline as build_module

    def full(table, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(build_module, "write_parquet", full)
    result = invoke("build", str(DATA), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"could not write {tmp_path / 'out'}/" in result.output and "No space left on device" in result.output
    assert os.listdir(tmp_path) == []


def test_a_full_disk_writing_the_source_texts_is_one_message(tmp_path, monkeypatch, capfd):
    # The texts are written by a thread while the checks run: its failure is the build's.
    from alliance_data.build import pipeline as build_module

    def full(directory, texts):
        raise OSError(errno.ENOSPC, "No space left on device", str(directory / "sources" / "x.txt"))

    monkeypatch.setattr(build_module, "write_texts", full)
    result = invoke("build", str(DATA), "--out", str(tmp_path / "out"))
    captured = capfd.readouterr()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"could not write {tmp_path / 'out'}/" in result.output and "No space left on device" in result.output
    assert "Traceback" not in result.output + captured.err + captured.out
    assert os.listdir(tmp_path) == []


# Publishing a release: the release directory and releases/index.json change together.


def index_versions(releases: Path) -> list[str]:
    return [entry["version"] for entry in json.loads((releases / "index.json").read_text())["releases"]]


@pytest.fixture
def releases(tmp_path) -> Path:
    """A releases directory with an index and no release of the package's version yet."""
    directory = tmp_path / "releases"
    directory.mkdir()
    (directory / "index.json").write_text(json.dumps({"name": about.NAME, "latest": None, "releases": []}))
    return directory


def test_a_failed_index_update_publishes_nothing_and_a_rerun_works(releases, tmp_path):
    # An obstacle where the index goes: the index the release extends cannot be read, so nothing
    # is built (a failure to write it after the release is complete: the full-disk test below).
    index = releases / "index.json"
    index.unlink()
    index.mkdir()
    (index / "kept").write_text("an obstacle")
    before = snapshot(tmp_path)
    result = invoke("release", about.__version__, str(DATA), "--releases", str(releases))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "index.json: not a regular file" in result.output and "Traceback" not in result.output
    assert snapshot(tmp_path) == before  # no release directory, no temporary file, obstacle kept
    shutil.rmtree(index)
    result = invoke("release", about.__version__, str(DATA), "--releases", str(releases))
    assert result.exit_code == 0, result.output
    assert index_versions(releases) == [about.__version__]


def test_a_full_disk_writing_the_index_publishes_nothing(releases, tmp_path, monkeypatch):
    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # only the index is flushed with os.fsync
    before = snapshot(tmp_path)
    result = invoke("release", about.__version__, str(DATA), "--releases", str(releases))
    assert result.exit_code == 1 and "No space left on device" in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before
    monkeypatch.undo()
    assert invoke("release", about.__version__, str(DATA), "--releases", str(releases)).exit_code == 0
    assert index_versions(releases) == [about.__version__]


def test_an_obstacle_at_the_old_temporary_index_path_is_left_alone(releases):
    obstacle = releases / ".index.json.tmp"
    obstacle.mkdir()
    result = invoke("release", about.__version__, str(DATA), "--releases", str(releases))
    assert result.exit_code == 0, result.output
    assert obstacle.is_dir() and index_versions(releases) == [about.__version__]
    assert sorted(p.name for p in releases.iterdir()) == [".index.json.tmp", "index.json", f"v{about.__version__}"]


def test_a_release_the_index_missed_is_reported_by_the_next_run_never_indexed(releases):
    # A run killed between moving the release in and writing the index leaves a complete
    # release the index does not list; the next run reports it and leaves the index as it is:
    # the index is never rebuilt from the folders found (one could have been put there).
    assert invoke("release", about.__version__, str(DATA), "--releases", str(releases)).exit_code == 0
    listed = json.loads((releases / "index.json").read_text())
    emptied = {**listed, "latest": None, "releases": []}
    (releases / "index.json").write_text(json.dumps(emptied))
    result = invoke("release", about.__version__, str(DATA), "--releases", str(releases))
    assert result.exit_code == 1 and f"holds v{about.__version__}, which" in result.output, result.output
    assert "does not list" in result.output and "Traceback" not in result.output
    assert json.loads((releases / "index.json").read_text()) == emptied


def test_a_full_disk_during_release_keeps_the_releases_as_they_were(releases, tmp_path):
    before = snapshot(tmp_path)
    database = (ROOT / "releases" / "v1.0.0" / "alliance.db").stat().st_size
    run = cli(
        "release",
        about.__version__,
        str(DATA),
        "--releases",
        str(releases),
        preexec_fn=limited(database // 2),
        cwd=tmp_path,
    )
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 1 and "Traceback" not in stderr, stderr
    assert len([line for line in stderr.splitlines() if line.startswith("error:")]) == 1, stderr
    assert snapshot(tmp_path) == before
