"""One rule for exit statuses, for every command: 0 all well, 1 problems in the data or in the
files read or written, 2 a usage mistake. Each command is tried with one of each."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.reader import loading
from conftest import ROOT, free_port, replace_in


def run(*args) -> int:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in (result.output or ""), result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


@pytest.fixture
def broken_data(data_copy: Path) -> Path:
    """A data directory with one invalid value."""
    replace_in(data_copy / "claims" / "irda-s3.yaml", "certainty: asserted", "certainty: sure")
    return data_copy


@pytest.fixture
def tampered_releases(tmp_path: Path) -> Path:
    """A copy of releases/ whose v1.0.0 has one file changed after publication."""
    copy = tmp_path / "releases"
    shutil.copytree(ROOT / "releases", copy)
    notes = copy / "v1.0.0" / "RELEASE_NOTES.md"
    notes.write_bytes(notes.read_bytes() + b"changed\n")
    return copy


@pytest.fixture
def damaged_package(tmp_path: Path, monkeypatch) -> None:
    """The installed package's data with an unreadable manifest."""
    copy = tmp_path / "package-data"
    shutil.copytree(Path(loading.files("alliance_data")) / "data", copy)
    (copy / "manifest.json").write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(loading, "_resource", lambda name: copy.joinpath(*name.split("/")))
    loading.manifest.cache_clear()
    yield
    loading.manifest.cache_clear()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "text.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("x\n", encoding="utf-8")
    return path


def test_validate(broken_data, a_file, tmp_path):
    assert run("validate", a_file) == 2
    assert run("validate", tmp_path / "missing") == 2
    assert run("validate", broken_data) == 1


def test_build(broken_data, tmp_path):
    assert run("build", ROOT / "data", "--out", "/dev/null") == 2
    assert run("build", broken_data, "--out", tmp_path / "out") == 1


def test_coverage(broken_data, tmp_path):
    assert run("coverage", tmp_path / "missing") == 2
    assert run("coverage", broken_data) == 1


def test_anchor(fifo, tmp_path):
    text = tmp_path / "plain.txt"
    text.write_text("hello world", encoding="utf-8")
    assert run("anchor", text, "") == 2
    assert run("anchor", text, "hello", "--occurrence", "0") == 2
    assert run("anchor", text, "hello", "--occurrence", "-1") == 2
    assert run("anchor", fifo, "hello") == 1
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("hello world".encode("utf-16"))
    assert run("anchor", utf16, "hello") == 1


def test_diff(broken_data):
    assert run("diff", "not-a-version", "data") == 2
    assert run("diff", broken_data, ROOT / "data") == 1


def test_release(broken_data, tmp_path):
    assert run("release", "not-a-version", ROOT / "data", "--releases", tmp_path / "r") == 2
    assert run("release", "9.0", ROOT / "data", "--releases", tmp_path / "r") == 2
    # Not the package's version (v9.0.0 reads as 9.0.0, as everywhere): the version asked is the mistake.
    assert run("release", "v9.0.0", ROOT / "data", "--releases", tmp_path / "r") == 2
    assert run("release", "9.0.0", broken_data, "--releases", tmp_path / "r") == 1


def test_verify(tampered_releases):
    assert run("verify", "9.9.9", "--releases", tampered_releases) == 2
    assert run("verify", "1.0.0", "--releases", tampered_releases) == 1


def test_serve(tampered_releases):
    port = free_port()
    assert run("serve", "--release", "9.9.9", "--releases", tampered_releases, "--port", port) == 2
    assert run("serve", "--release", "1.0.0", "--releases", tampered_releases, "--port", port) == 1


def test_serve_on_a_port_in_use_is_a_usage_mistake():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert run("serve", "--port", taken.getsockname()[1]) == 2


def test_show(damaged_package):
    assert run("show", "--limit", "0") == 2
    assert run("show", "claims") == 1


def test_describe(damaged_package):
    assert run("describe", "claims", "extra") == 2
    assert run("describe") == 1


def test_figures(damaged_package, tmp_path):
    assert run("figures", "--out", "/dev/null") == 2
    assert run("figures", "--out", tmp_path / "figures") == 1


def test_reliability(broken_data, tmp_path):
    assert run("reliability", tmp_path / "missing", "--print") == 2
    assert run("reliability", broken_data, "--print") == 1


def test_releases(a_file, tmp_path):
    assert run("releases", "--releases", a_file) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.json").write_text("{", encoding="utf-8")
    assert run("releases", "--releases", tmp_path / "bad") == 1
