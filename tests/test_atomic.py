"""Directories appear whole or not at all, whatever point a run is killed at, and one run
never removes what another, live run is writing."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time

import pytest

from alliance_data.filesystem.atomic import (
    OutputRefused,
    Protected,
    WriteFailed,
    atomic_directory,
    exclusive_lock,
    recover,
    write_file_atomically,
)


def write(directory, text):
    (directory / "f.txt").write_text(text)


def names(directory):
    return sorted(p.name for p in directory.iterdir())


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_success_replaces_the_old_directory(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target, replaceable=lambda path: None) as staging:
        write(staging, "one")
    with atomic_directory(target, replaceable=lambda path: None) as staging:
        write(staging, "two")
    assert (target / "f.txt").read_text() == "two"
    assert names(tmp_path) == ["out"]  # no staging, no previous, no lock file


def test_an_error_leaves_the_old_directory_and_no_staging(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        write(staging, "one")
    with pytest.raises(RuntimeError), atomic_directory(target, replaceable=lambda path: None) as staging:
        write(staging, "half")
        raise RuntimeError("killed")
    assert (target / "f.txt").read_text() == "one"
    assert names(tmp_path) == ["out"]


def test_staging_is_unique_to_the_process(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        assert staging.parent == tmp_path
        assert staging.name.startswith(f".out.staging-{os.getpid()}-")


def test_a_full_disk_is_one_clear_error_and_the_old_directory_stays(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        write(staging, "one")
    with pytest.raises(WriteFailed) as caught, atomic_directory(target, replaceable=lambda path: None) as staging:
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "big.parquet"))
    message = str(caught.value)
    assert f"could not write {target / 'big.parquet'}: No space left on device" in message
    assert "free disk space" in message
    assert (target / "f.txt").read_text() == "one" and names(tmp_path) == ["out"]


def test_a_failed_after_swap_step_undoes_the_swap(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        write(staging, "one")

    def fail():
        assert (target / "f.txt").read_text() == "two"  # runs with the new directory in place
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "index.json"))

    with pytest.raises(WriteFailed), atomic_directory(target, replaceable=lambda p: None, after_swap=fail) as staging:
        write(staging, "two")
    assert (target / "f.txt").read_text() == "one" and names(tmp_path) == ["out"]


def test_a_refused_target_creates_nothing(tmp_path):
    target = tmp_path / "a" / "b" / "out"
    inside = [Protected(tmp_path / "a", "the data directory", nothing_inside=True)]
    with (
        pytest.raises(OutputRefused, match="it lies inside the data directory"),
        atomic_directory(target, protected=inside),
    ):
        pytest.fail("the body must not run")
    assert names(tmp_path) == []  # not even the parent directories
    target.parent.mkdir(parents=True)
    target.mkdir()
    write(target, "theirs")
    with (
        pytest.raises(OutputRefused, match=r"refusing to write .*out: no"),
        atomic_directory(target, replaceable=lambda p: "no"),
    ):
        pytest.fail("the body must not run")
    assert names(target.parent) == ["out"] and (target / "f.txt").read_text() == "theirs"


def test_a_run_killed_between_the_two_renames_is_restored(tmp_path):
    # The old output was moved aside but the new one not yet moved in.
    target = tmp_path / "out"
    pid = dead_pid()
    previous = tmp_path / f".out.previous-{pid}-0a0a0a0a"
    previous.mkdir()
    write(previous, "old")
    staging = tmp_path / f".out.staging-{pid}-0a0a0a0a"
    staging.mkdir()
    write(staging, "partial")
    recover(target)
    assert (target / "f.txt").read_text() == "old"
    assert names(tmp_path) == ["out"]


def test_a_leftover_previous_is_removed_when_the_swap_completed(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    write(target, "new")
    previous = tmp_path / f".out.previous-{dead_pid()}-0b0b0b0b"
    previous.mkdir()
    recover(target)
    assert (target / "f.txt").read_text() == "new" and not previous.exists()
    assert os.listdir(tmp_path) == ["out"]


def test_recovery_leaves_a_live_process_staging_alone(tmp_path):
    target = tmp_path / "out"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = tmp_path / f".out.staging-{live.pid}-0c0c0c0c"
        theirs.mkdir()
        write(theirs, "being written")
        stale = tmp_path / f".out.staging-{dead_pid()}-0d0d0d0d"
        stale.mkdir()
        with atomic_directory(target) as staging:
            write(staging, "mine")
        assert (theirs / "f.txt").read_text() == "being written"
        assert not stale.exists()
        assert (target / "f.txt").read_text() == "mine"
    finally:
        live.kill()
        live.wait()


HOLD_LOCK = """
import sys
from alliance_data.filesystem.atomic import exclusive_lock
with exclusive_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def hold_lock(target):
    """Another process holding the lock of `target` until a line is written to its stdin."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", HOLD_LOCK, str(target)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)


def test_a_second_run_waits_for_the_lock_and_names_the_holder(tmp_path):
    target = tmp_path / "out"
    holder = hold_lock(target)
    try:
        assert holder.stdout.readline().strip() == "locked"
        heard, done = [], threading.Event()

        def second_run():
            with atomic_directory(target, on_wait=heard.append) as staging:
                write(staging, "second")
            done.set()

        thread = threading.Thread(target=second_run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert heard and f"waiting for process {holder.pid}, which is writing {target}" in heard[0]
        assert not done.wait(0.5) and not target.exists()  # still waiting
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert done.wait(30)
        assert (target / "f.txt").read_text() == "second"
        assert names(tmp_path) == ["out"]
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_exclusive_across_open_files(tmp_path):
    # A run that found the lock file removed by the one before it locks the new file; two
    # holders at once would show as overlapping intervals.
    target = tmp_path / "out"
    inside, overlaps = [], []

    def hold():
        for _ in range(20):
            with exclusive_lock(target, on_wait=lambda message: None):
                if inside:
                    overlaps.append(1)
                inside.append(1)
                time.sleep(0.001)
                inside.pop()

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not overlaps and not any(thread.is_alive() for thread in threads)
    assert names(tmp_path) == []


def test_the_lock_of_a_killed_run_does_not_block_the_next(tmp_path):
    target = tmp_path / "out"
    holder = hold_lock(target)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()  # the kernel releases its lock; its lock file stays behind
    holder.wait()
    assert names(tmp_path) == [".out.lock"]
    heard = []
    with atomic_directory(target, on_wait=heard.append) as staging:
        write(staging, "next")
    assert not heard and names(tmp_path) == ["out"]


def test_one_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "index.json"
    write_file_atomically(target, "first\n")
    write_file_atomically(target, b"second\n")
    assert target.read_bytes() == b"second\n" and names(tmp_path) == ["index.json"]

    def cut_short(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", cut_short)
    with pytest.raises(OSError):
        write_file_atomically(target, "third\n")
    assert target.read_bytes() == b"second\n" and names(tmp_path) == ["index.json"]


WITHOUT_FCNTL = """
import sys
sys.modules["fcntl"] = None  # as on Windows, where there is no fcntl
import alliance_data.build.pipeline, alliance_data.release.cut
from alliance_data.filesystem.atomic import exclusive_lock
with exclusive_lock(sys.argv[1]):
    print("locked")
"""


def test_the_build_and_release_import_and_lock_without_fcntl(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_FCNTL, str(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0 and result.stdout.strip() == "locked", result.stderr[-2000:]
