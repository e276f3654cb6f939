"""What a fresh attack on every command and entry point found, each kept from coming back: a
mirror that drips its headers, a full or closed standard output, a foreign file where a report
goes, and a first release read without being verified. Each test is bounded to seconds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

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
            remote.download(header_drip, 1000, exact=False, deadline=1.5)
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(6)  # a download without a whole deadline would still be reading headers
    assert not worker.is_alive(), "the download outlived its deadline"
    assert len(outcome) == 1 and isinstance(outcome[0], ReleaseFetchError), outcome
    assert "longer than 1.5 seconds in all" in str(outcome[0])


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
