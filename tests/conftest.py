"""Shared fixtures: a private copy of the real data directory that a test may break."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


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
            time.sleep(0.2)
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
