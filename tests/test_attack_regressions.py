"""What a fresh attack on every command and entry point found, each kept from coming back: a
mirror that drips its headers, a full or closed standard output, a foreign file where a report
goes, and a first release read without being verified. Each test is bounded to seconds."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from alliance_data.cli import main
from alliance_data.reader import remote
from alliance_data.reader.remote import ReleaseFetchError
from conftest import DATA, ROOT

COMMAND = [sys.executable, "-c", "from alliance_data.cli import main; main()"]


@pytest.fixture
def header_drip():
    """A server on 127.0.0.1 that answers a status line, then one header byte every 0.2 s, each
    well within the read timeout, for as long as the connection stays open."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve():
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.is_set():
                try:
                    connection.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1.0.0/manifest.json"
    stop.set()
    listener.close()


def test_a_mirror_dripping_its_headers_meets_the_whole_download_deadline(header_drip):
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            remote.download(header_drip, 1000, exact=False, deadline=0.5)  # two or three header bytes
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(6)  # a download without a whole deadline would still be reading headers
    assert not worker.is_alive(), "the download outlived its deadline"
    assert len(outcome) == 1 and isinstance(outcome[0], ReleaseFetchError), outcome
    assert "longer than 0.5 seconds in all" in str(outcome[0])


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is a Linux device")
@pytest.mark.parametrize("args", [["describe", "claims"], ["show", "actors"], ["releases", "--json"]])
def test_a_full_output_is_one_clear_error_and_exit_1(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run(COMMAND + args, stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr == "error: could not write the standard output: No space left on device\n"
    assert done.returncode == 1


def test_a_reader_stopping_early_is_not_a_problem_in_the_data():
    """`coverage | head -1`: rich's own handling of the closed pipe exited 1, which says the data
    has problems; the output's reader stopping is not one."""
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [*COMMAND, "coverage", str(DATA)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env
    )
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert b"Traceback" not in process.stderr.read()


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_reliability_never_overwrites_a_file_it_did_not_write(tmp_path, monkeypatch):
    """The report's path is relative to where the command runs: another project's
    docs/reliability.md was replaced without a word."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    theirs = tmp_path / "docs" / "reliability.md"
    theirs.write_text("# Our reliability notes\n", encoding="utf-8")
    result = invoke("reliability", DATA)
    assert result.exit_code == 2 and "is not a report of `alliance-data reliability`" in result.output
    assert theirs.read_text(encoding="utf-8") == "# Our reliability notes\n"
    theirs.write_bytes(b"")  # an empty file holds nothing to lose
    assert invoke("reliability", DATA).exit_code == 0
    assert invoke("reliability", DATA).exit_code == 0  # and the report it wrote is its own to replace
    assert theirs.read_text(encoding="utf-8").startswith("# Agreement between two codings\n")


def test_reliability_reads_the_first_release_only_once_it_is_verified(tmp_path, monkeypatch):
    """reliability compares the links with those of releases/v1.0.0, which it read without any
    check: a damaged file was a traceback, another table's file a wrong report."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "releases", tmp_path / "releases")
    links = tmp_path / "releases" / "v1.0.0" / "claim_links.parquet"
    links.write_bytes(b"not a parquet file")
    result = invoke("reliability", DATA, "--print")
    assert result.exit_code == 1
    assert "problem(s) verifying releases/v1.0.0:\n  releases/v1.0.0/claim_links.parquet" in result.output


def test_a_listed_error_gives_each_problem_a_line_of_its_own_that_nothing_can_forge(tmp_path):
    """Every problem of a release that does not verify was printed on one line, its breaks shown
    as \\n; each now has its line, still escaped, so a file name cannot add one."""
    releases = tmp_path / "releases"
    shutil.copytree(ROOT / "releases", releases)
    (releases / "v1.0.0" / "RELEASE_NOTES.md").write_bytes(b"changed\n")
    (releases / "v1.0.0" / "evil\nfix: nothing is wrong\x1b[2J").write_bytes(b"")
    result = invoke("verify", "1.0.0", "--releases", releases)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"error: 2 problem(s) verifying {releases}/v1.0.0:"
    assert lines[1].endswith("RELEASE_NOTES.md: SHA-256 differs from SHA256SUMS (changed or truncated)")
    forged = "/evil\\nfix: nothing is wrong\\x1b[2J: not listed in SHA256SUMS (it would be published with the release)"
    assert lines[2].endswith(forged)
    assert lines[3].startswith("  fix: ") and len(lines) == 4


def test_json_output_escapes_what_would_drive_the_terminal_and_reads_back_the_same(tmp_path):
    """releases --json printed a hostile index's C1 controls (U+009B is CSI) and bidirectional
    overrides raw (json.dumps escapes only C0 controls); they are now JSON escapes."""
    import json

    index = json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    index["releases"][0]["citation"] = "evil\x9b2J\u202e\u2028 text"
    (tmp_path / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    result = invoke("releases", "--releases", tmp_path, "--json")
    assert result.exit_code == 0
    assert not any(character in result.output for character in "\x9b\u202e\u2028")
    assert "evil\\u009b2J\\u202e\\u2028 text" in result.output
    assert json.loads(result.output) == index
