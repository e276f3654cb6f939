"""`serve --release` serves exactly the files it verified: a file appended to, replaced or
added in the release directory after the server started is never served."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from pathlib import Path

import pytest

from alliance_data.release import private_copy as copying
from alliance_data.release.checksums import ChecksumMismatch
from alliance_data.release.trust import verify_release
from alliance_data.serving.server import locate, make_datasette
from conftest import ROOT

VERSION = "2.0.0"


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    target = tmp_path / "releases"
    shutil.copytree(ROOT / "releases", target)
    return target


def test_files_changed_after_start_are_not_served(releases, tmp_path):
    directory = releases / f"v{VERSION}"
    verified_csv = (directory / "claims.csv").read_bytes()
    verified_sections = (directory / "sections.csv").read_bytes()
    database = locate(VERSION, releases)
    assert database.path.parent != directory

    with open(directory / "claims.csv", "ab") as handle:  # appended to
        handle.write(b"irda-s9-999,forged\n")
    (directory / "sections.csv").write_bytes(b"section_id\nforged\n")  # replaced
    (directory / "new.txt").write_text("never listed", encoding="utf-8")  # added

    loop = asyncio.new_event_loop()
    try:
        datasette = make_datasette(database, tmp_path / "serve")
        loop.run_until_complete(datasette.invoke_startup())

        def get(path: str):
            return loop.run_until_complete(datasette.client.get(path))

        assert get("/files/new.txt").status_code == 404
        claims = get("/files/claims.csv")
        assert claims.status_code == 200 and claims.content == verified_csv
        assert get("/files/sections.csv").content == verified_sections
    finally:
        loop.close()


def test_a_file_changed_between_the_check_and_the_copy_is_refused(releases, monkeypatch):
    verified = verify_release(VERSION, releases)
    (verified.directory / "topics.csv").write_bytes(b"topic_id\nforged\n")
    with pytest.raises(ChecksumMismatch, match=r"topics\.csv changed after it was verified"):
        copying.private_copy(verified)


def test_the_copy_is_the_verified_files_and_read_only(releases):
    verified = verify_release(VERSION, releases)
    copy = copying.private_copy(verified)
    names = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert names == sorted([*verified.sums, "SHA256SUMS"])
    for name, digest in verified.sums.items():
        assert hashlib.sha256((copy / name).read_bytes()).hexdigest() == digest
    assert not (copy / "alliance.db").stat().st_mode & 0o222
    assert (copy.stat().st_mode & 0o077) == 0  # no one else can enter it
