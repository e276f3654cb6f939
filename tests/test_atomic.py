"""Directories appear whole or not at all, whatever point a run is killed at."""

from __future__ import annotations

import os

import pytest

from alliance_data.atomic import atomic_directory, recover


def write(directory, text):
    (directory / "f.txt").write_text(text)


def test_success_replaces_the_old_directory(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        write(staging, "one")
    with atomic_directory(target) as staging:
        write(staging, "two")
    assert (target / "f.txt").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_leaves_the_old_directory_and_no_staging(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as staging:
        write(staging, "one")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        write(staging, "half")
        raise RuntimeError("killed")
    assert (target / "f.txt").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_run_killed_between_the_two_renames_is_restored(tmp_path):
    # The old output was moved aside but the new one not yet moved in.
    target = tmp_path / "out"
    previous = tmp_path / ".out.previous"
    previous.mkdir()
    write(previous, "old")
    staging = tmp_path / ".out.staging"
    staging.mkdir()
    write(staging, "partial")
    recover(target)
    assert (target / "f.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_leftover_previous_is_removed_when_the_swap_completed(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    write(target, "new")
    previous = tmp_path / ".out.previous"
    previous.mkdir()
    recover(target)
    assert (target / "f.txt").read_text() == "new" and not previous.exists()
    assert os.listdir(tmp_path) == ["out"]
