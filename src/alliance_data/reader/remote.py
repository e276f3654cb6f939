"""Tables of other published versions, fetched once, cached and verified.

`load(name, version="1.0.0")` reads that release's Parquet file from a base URL: the
`base_url` argument, else the environment variable ALLIANCE_DATA_BASE_URL (the address under
which the `releases/` folder is published, e.g. a mirror or a local copy served over HTTP).
Each file is checked against the SHA-256 that the release index shipped in this package records
for it, before it is used and every time it is read from the cache, so a tampered mirror or
cache fails loudly. Downloads and the cache are pooch's (one file per release and table).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..extras import require
from ..problems import AllianceDataError

BASE_URL_VARIABLE = "ALLIANCE_DATA_BASE_URL"
CACHE_VARIABLE = "ALLIANCE_DATA_CACHE"
# The project's public address for releases goes here once it has one; until then a base URL
# must be given.
DEFAULT_BASE_URL: str | None = None


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


def _pooch():
    require("remote", "load(version=…)")
    import pooch

    return pooch


def cache_dir() -> Path:
    pooch = _pooch()

    return Path(os.environ.get(CACHE_VARIABLE) or pooch.os_cache("alliance-data"))


def release_entry(version: str) -> dict:
    """The packaged index's entry of a published version."""
    from ..release.trust import packaged_index

    index = packaged_index() or {}
    for entry in index.get("releases", []):
        if entry.get("version") == version:
            return entry
    known = ", ".join(entry.get("version", "?") for entry in index.get("releases", [])) or "none"
    raise ReleaseFetchError(f"version {version!r} is not a published release known to this package (known: {known})")


def fetch(version: str, file_name: str, url: str | None = None) -> bytes:
    """The bytes of one file of a published release, verified against the packaged index."""
    pooch = _pooch()

    entry = release_entry(version)
    digest = entry.get("files", {}).get(file_name)
    if not digest:
        raise ReleaseFetchError(f"release {version} has no file {file_name!r}")
    address = f"{base_url(url)}/v{version}/{file_name}"
    folder = cache_dir() / f"v{version}"
    try:
        path = pooch.retrieve(address, known_hash=f"sha256:{digest}", fname=file_name, path=folder, progressbar=False)
    except ValueError as error:  # pooch's hash mismatch; the bad download is not kept
        raise ReleaseFetchError(
            f"{address} does not match the SHA-256 published for release {version} ({error}); the mirror or the "
            "download is damaged: nothing was loaded"
        ) from None
    except Exception as error:  # network and HTTP errors come from requests
        raise ReleaseFetchError(f"cannot fetch {address}: {error}") from None
    # pooch checks a cached copy's SHA-256 on every retrieve and fetches it again when it differs.
    return Path(path).read_bytes()
