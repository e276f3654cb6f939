"""Downloads of older versions against a hostile mirror on 127.0.0.1: a body far larger than the
file, an encoded body, a body that drips, a 404; each is one clear error, bounded in bytes and
time, and nothing is left in the cache."""

from __future__ import annotations

import gzip
import http.server
import threading
import time

import pytest

from alliance_data.reader import remote
from alliance_data.reader.remote import CACHE_VARIABLE, ReleaseFetchError, fetch
from conftest import ROOT

OLD = "1.0.0"
RELEASE = ROOT / "releases" / f"v{OLD}"
TABLE = "topics.parquet"
SIZE = (RELEASE / TABLE).stat().st_size


class Hostile(http.server.BaseHTTPRequestHandler):
    """Serves manifest.json as published; the table as `mode` says."""

    mode = "honest"
    sent = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if name == "manifest.json" or self.mode == "honest":
            body = (RELEASE / name).read_bytes()
            self._send(200, body, {"Content-Length": str(len(body))})
        elif self.mode == "huge":
            self._send(200, b"", {})  # no length: the body runs on
            self._stream(b"\0" * 65536, 200 * 1024 * 1024)
        elif self.mode == "huge_announced":
            self._send(200, b"", {"Content-Length": str(50 * 1024 * 1024)})
            self._stream(b"\0" * 65536, 50 * 1024 * 1024)
        elif self.mode == "gzip":
            body = gzip.compress(b"\0" * (20 * 1024 * 1024))
            self._send(200, body, {"Content-Encoding": "gzip", "Content-Length": str(len(body))})
        elif self.mode == "drip":
            self._send(200, b"", {"Content-Length": str(SIZE)})
            self._stream(b"x", SIZE, pause=0.05)
        else:
            self._send(404, b"not here", {"Content-Length": "8"})

    def _send(self, status, body, headers):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _stream(self, chunk, total, pause=0.0):
        try:
            while Hostile.sent < total:
                self.wfile.write(chunk)
                Hostile.sent += len(chunk)
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    # Polled every 50 ms for the shutdown below (the default half second was most of a test).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    Hostile.sent = 0
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "cache"
    server.shutdown()


def cached_files(cache):
    return sorted(p.name for p in cache.rglob("*") if p.is_file())


@pytest.mark.parametrize("mode", ["huge", "huge_announced"])
def test_a_body_larger_than_the_file_is_stopped_at_the_file_size(mirror, monkeypatch, mode):
    url, cache = mirror
    monkeypatch.setattr(Hostile, "mode", mode)
    with pytest.raises(ReleaseFetchError, match="stopped and nothing was kept"):
        fetch(OLD, TABLE, url)
    time.sleep(0.2)
    # What the server got out before the client hung up: the file and socket buffers, not 200 MB.
    assert Hostile.sent < SIZE + 16 * 1024 * 1024
    assert cached_files(cache) == ["manifest.json"]


def test_an_encoded_body_is_refused_and_never_unpacked(mirror, monkeypatch):
    url, cache = mirror
    monkeypatch.setattr(Hostile, "mode", "gzip")
    with pytest.raises(ReleaseFetchError, match=r"encoded \(gzip\)"):
        fetch(OLD, TABLE, url)
    assert cached_files(cache) == ["manifest.json"]


def test_a_dripping_body_meets_the_total_deadline(mirror, monkeypatch):
    url, cache = mirror
    monkeypatch.setattr(Hostile, "mode", "drip")
    started = time.monotonic()
    with pytest.raises(ReleaseFetchError, match=r"longer than 0\.3 seconds"):
        fetch(OLD, TABLE, url, deadline=0.3)  # the whole body would take SIZE × 50 ms
    assert time.monotonic() - started < 5
    assert cached_files(cache) == ["manifest.json"]


def test_a_404_says_how_the_mirror_is_laid_out(mirror, monkeypatch):
    url, _ = mirror
    monkeypatch.setattr(Hostile, "mode", "missing")
    with pytest.raises(ReleaseFetchError, match=r"HTTP 404.*v1\.0\.0/claims\.parquet"):
        fetch(OLD, TABLE, url)


def test_an_interrupted_store_leaves_no_temporary_file(mirror, monkeypatch):
    url, cache = mirror

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(remote.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch(OLD, TABLE, url)
    assert cached_files(cache) == []


def test_an_honest_mirror_still_serves_and_the_cache_holds_only_verified_files(mirror):
    url, cache = mirror
    assert fetch(OLD, TABLE, url) == (RELEASE / TABLE).read_bytes()
    assert cached_files(cache) == ["manifest.json", TABLE]
