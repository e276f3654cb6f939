"""Tables of other published versions, fetched once, cached and verified.

`load(name, version="1.0.0")` reads that release's Parquet file from a base URL: the
`base_url` argument, else the environment variable ALLIANCE_DATA_BASE_URL (the address under
which the `releases/` folder is published, e.g. a mirror or a local copy served over HTTP).
Each file is checked against the SHA-256 that the release index shipped in this package records
for it, before it is used and every time it is read from the cache, so a tampered mirror or
cache fails loudly.

A mirror is not trusted to behave either. A download is bounded in every way it could run on:
- it asks for the bytes as stored (`Accept-Encoding: identity`) and refuses any response that
  is encoded anyway, so nothing is decompressed (2 MB of gzip can stand for gigabytes);
- it stops at the file's size: a table's size is recorded in the release's manifest.json,
  itself downloaded first (at most MAX_MANIFEST_BYTES) and verified against the packaged index;
- the whole download has a deadline (DOWNLOAD_SECONDS), however slowly the server drips, its
  status line and headers included (a watchdog cuts the connection when the deadline passes);
- it is written to a temporary file beside its place in the cache, renamed into place only once
  verified, and removed on every failure, Ctrl-C included: the cache holds verified files only.
Nothing is printed: a failure is one ReleaseFetchError saying what happened and what to do.
Only the standard library is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import socket
import stat
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from ..problems import AllianceDataError

BASE_URL_VARIABLE = "ALLIANCE_DATA_BASE_URL"
CACHE_VARIABLE = "ALLIANCE_DATA_CACHE"
# The project's public address for releases goes here once it has one; until then a base URL
# must be given.
DEFAULT_BASE_URL: str | None = None

MANIFEST = "manifest.json"
# A manifest describes a few dozen files; a bigger one is not a manifest.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
# The longest a whole download may take, and the longest one read may wait for a byte.
DOWNLOAD_SECONDS = 120.0
READ_SECONDS = 30.0
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_LAYOUT = "the base URL is the folder that holds the releases, as v1.0.0/manifest.json, v1.0.0/claims.parquet, …"


class ReleaseFetchError(AllianceDataError, RuntimeError):
    """A table of another version that cannot be fetched, or fails its checksum."""


def base_url(given: str | None = None) -> str:
    url = given or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL
    if not url:
        raise ReleaseFetchError(
            f"no address to fetch other versions from: pass base_url=… or set {BASE_URL_VARIABLE} to the URL "
            "of the folder that holds the releases (v1.0.0/, …)"
        )
    return url.rstrip("/")


def cache_dir() -> Path:
    """ALLIANCE_DATA_CACHE, else the user's cache folder of this system."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    if sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "alliance-data"


def release_entry(version: str) -> dict:
    """The packaged index's entry of a published version."""
    from ..release.trust import packaged_index

    index = packaged_index() or {}
    for entry in index.get("releases", []):
        if entry.get("version") == version:
            return entry
    known = ", ".join(entry.get("version", "?") for entry in index.get("releases", [])) or "none"
    raise ReleaseFetchError(f"version {version!r} is not a published release known to this package (known: {known})")


def fetch(version: str, file_name: str, url: str | None = None, deadline: float | None = None) -> bytes:
    """The bytes of one file of a published release, verified against the packaged index;
    `deadline` is the most a download may take, in seconds (default DOWNLOAD_SECONDS)."""
    deadline = DOWNLOAD_SECONDS if deadline is None else deadline
    digest = release_entry(version).get("files", {}).get(file_name)
    if not digest:
        raise ReleaseFetchError(f"release {version} has no file {file_name!r}")
    place = cache_dir() / f"v{version}" / file_name
    size = MAX_MANIFEST_BYTES if file_name == MANIFEST else expected_size(version, file_name, url, deadline)
    cached = _read_cached(place, digest, size)
    if cached is not None:
        return cached
    address = f"{base_url(url)}/v{version}/{urllib.parse.quote(file_name)}"
    data = download(address, size, exact=file_name != MANIFEST, deadline=deadline)
    found = hashlib.sha256(data).hexdigest()
    if found != digest:
        raise ReleaseFetchError(
            f"{address} does not match the SHA-256 published for release {version} (expected {digest}, got "
            f"{found}); the mirror or the download is damaged: nothing was loaded"
        )
    _store(place, data)
    return data


def expected_size(version: str, file_name: str, url: str | None, deadline: float) -> int:
    """The size of `file_name` as the release's manifest.json (verified itself) records it."""
    try:
        manifest = json.loads(fetch(version, MANIFEST, url, deadline))
        for table in manifest["tables"]:
            for described in table["files"].values():
                if described["path"] == file_name:
                    return int(described["bytes"])
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    raise ReleaseFetchError(f"the manifest.json of release {version} records no size for {file_name!r}")


def _read_cached(place: Path, digest: str, limit: int) -> bytes | None:
    """The cached copy when it is a regular file of at most `limit` bytes with the SHA-256;
    else None (a damaged copy is removed, and fetched again)."""
    try:
        descriptor = os.open(place, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        if os.path.islink(place):
            place.unlink()
        return None
    with os.fdopen(descriptor, "rb") as file:
        regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
        data = file.read(limit + 1) if regular else b""
    if regular and len(data) <= limit and hashlib.sha256(data).hexdigest() == digest:
        return data
    if regular:
        place.unlink(missing_ok=True)
    return None


def _store(place: Path, data: bytes) -> None:
    """Put verified bytes into the cache: a temporary file beside `place`, renamed over it; the
    temporary file never outlives a failure (Ctrl-C included)."""
    place.parent.mkdir(parents=True, exist_ok=True)
    temporary = place.with_name(f".{place.name}.{os.getpid()}.part")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, place)
    except OSError:
        pass  # a cache that cannot be written costs a download next time, nothing else
    finally:
        temporary.unlink(missing_ok=True)


def download(address: str, limit: int, *, exact: bool, deadline: float) -> bytes:
    """The body at `address`: at most `limit` bytes (exactly `limit` when `exact`), unencoded,
    within `deadline` seconds in all. Held in memory, never more than `limit` + one read."""
    started = time.monotonic()

    def expired() -> ReleaseFetchError:
        return ReleaseFetchError(
            f"{address}: the download took longer than {deadline:g} seconds in all and was stopped; "
            "nothing was kept: try again later, or another mirror"
        )

    def remaining() -> float:
        left = deadline - (time.monotonic() - started)
        if left <= 0:
            raise expired()
        return left

    watchdog = _Watchdog(deadline)
    try:
        response, connection, sock = _open(address, remaining, watchdog.watch)
        try:
            data = _body(address, response, sock, limit, exact, remaining)
        finally:
            response.close()
            connection.close()
    except (OSError, http.client.HTTPException) as error:
        if watchdog.fired:
            raise expired() from None
        remaining()  # a read cut short by the deadline is the deadline's error
        reason = "no answer in time" if isinstance(error, TimeoutError) else (str(error) or type(error).__name__)
        raise ReleaseFetchError(f"cannot fetch {address}: {reason}; nothing was kept") from None
    except ReleaseFetchError:
        if watchdog.fired:  # a body cut short by the watchdog is the deadline's error, not a short file
            raise expired() from None
        raise
    finally:
        watchdog.cancel()
    if watchdog.fired:
        raise expired()
    return data


class _Watchdog:
    """Cuts the connection in use when the whole download's deadline passes. A timeout on each
    read is not enough: a server that sends its status line and headers a byte at a time, each
    within the read timeout, would hold `getresponse()` for as long as it likes."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            if self.fired:
                self._shut(connection)

    def _cut(self) -> None:
        with self._lock:
            self.fired = True
            if self._connection is not None:
                self._shut(self._connection)

    @staticmethod
    def _shut(connection: http.client.HTTPConnection) -> None:
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # a blocked read returns at once

    def cancel(self) -> None:
        self._timer.cancel()


def _open(address: str, remaining, watch):
    """The response to a GET of `address` (redirects followed), and its connection; `watch` is
    given each connection once it is open, so the deadline can cut it."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ReleaseFetchError(f"{address}: only http:// and https:// addresses are fetched")
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname, parts.port, timeout=min(READ_SECONDS, remaining()))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.connect()
        watch(connection)
        connection.request("GET", path, headers={"Accept-Encoding": "identity", "User-Agent": "alliance-data"})
        # The socket, kept: the connection lets go of it when the server closes after the body.
        sock = connection.sock
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
            address = urllib.parse.urljoin(address, response.getheader("Location"))
            connection.close()
            continue
        if response.status != 200:
            connection.close()
            hint = f": {_LAYOUT}" if response.status == 404 else ""
            raise ReleaseFetchError(f"cannot fetch {address}: HTTP {response.status} {response.reason}{hint}")
        return response, connection, sock
    raise ReleaseFetchError(f"cannot fetch {address}: more than {MAX_REDIRECTS} redirects")


def _body(address: str, response, sock, limit: int, exact: bool, remaining) -> bytes:
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise ReleaseFetchError(
            f"{address}: the server sent the file encoded ({encoding}) although it was asked for the bytes as "
            "stored; an encoded body is never unpacked: use a mirror that serves the files as they are"
        )
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ReleaseFetchError(_too_large(address, limit, f"it announces {int(declared):,} bytes"))
    chunks, total = [], 0
    while True:
        sock.settimeout(min(READ_SECONDS, remaining()))  # one read waits no longer than the deadline
        chunk = response.read1(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise ReleaseFetchError(_too_large(address, limit, "it sent more"))
        chunks.append(chunk)
    if exact and total != limit:
        raise ReleaseFetchError(
            f"{address}: the download ended after {total:,} of {limit:,} bytes; nothing was kept: try again"
        )
    return b"".join(chunks)


def _too_large(address: str, limit: int, what: str) -> str:
    return (
        f"{address}: the file is {limit:,} bytes at most but {what}; the download was stopped and nothing was "
        "kept: the mirror is damaged or not the project's"
    )
