"""Loading with polars, every table at once, and other published versions fetched from a base
URL (a loopback HTTP server over releases/), cached and checked against the packaged index."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from typing import ClassVar

import pyarrow.parquet as pq
import pytest

import alliance_data
from alliance_data.codebook.registry import TABLES
from alliance_data.reader import loading
from alliance_data.reader.remote import BASE_URL_VARIABLE, CACHE_VARIABLE, ReleaseFetchError
from conftest import ROOT

pytestmark = pytest.mark.slow  # Other versions fetched from a loopback server, in subprocesses.

OLD = "1.0.0"


# polars and load_all


def test_polars_enumerations_keep_the_codebook_order():
    import polars as pl

    for table in TABLES:
        frame = alliance_data.load(table.name, backend="polars")
        assert frame.columns == table.column_names
        for column in table.columns:
            if column.enum:
                assert frame.schema[column.name] == pl.Enum(column.levels), (table.name, column.name)
    claims = alliance_data.load("claims", backend="polars")
    # Sorting follows the codebook, not the alphabet: 'asserted' < 'likely' < 'possible' < 'speculative'.
    order = claims.sort("certainty")["certainty"].unique(maintain_order=True).to_list()
    levels = next(c for c in TABLES[4].columns if c.name == "certainty").levels
    assert order == [level for level in levels if level in order]


def test_polars_and_pandas_hold_the_same_values():
    for table in TABLES:
        pandas = alliance_data.load(table.name)
        polars = alliance_data.load(table.name, backend="polars")
        assert len(pandas) == polars.height
        for column in table.column_names:
            series = pandas[column].astype(object)
            left = [None if missing else value for value, missing in zip(series, series.isna(), strict=True)]
            assert left == polars[column].to_list(), (table.name, column)


def test_table_attrs_match_pandas_attrs():
    assert alliance_data.table_attrs("claims") == alliance_data.load("claims").attrs


def test_load_all_returns_every_table():
    frames = alliance_data.load_all()
    assert list(frames) == alliance_data.tables()
    assert all(len(frames[name]) == len(alliance_data.load(name)) for name in frames)


def test_a_wrong_backend_suggests_the_nearest():
    with pytest.raises(ValueError, match="did you mean 'polars'"):
        alliance_data.load("claims", backend="polar")


# Other versions


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A copy of releases/ served on 127.0.0.1, and an empty cache; (base URL, mirror folder)."""
    folder = tmp_path / "mirror"
    shutil.copytree(ROOT / "releases" / f"v{OLD}", folder / f"v{OLD}")
    handler = functools.partial(CountingHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    CountingHandler.requests = []
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(BASE_URL_VARIABLE, raising=False)
    real = loading.manifest
    if real()["version"] == OLD:
        # The installed data is that version: pretend a newer one is installed so the fetch runs.
        monkeypatch.setattr(loading, "manifest", lambda: {**real(), "version": "99.0.0"})
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()


def test_an_older_version_loads_from_the_mirror_and_is_cached(mirror):
    url, folder = mirror
    frame = alliance_data.load("claims", version=OLD, base_url=url)
    expected = pq.read_table(folder / f"v{OLD}" / "claims.parquet")
    assert len(frame) == expected.num_rows
    assert frame.attrs["version"] == OLD
    levels = json.loads(expected.schema.field("certainty").metadata[b"levels"])
    assert list(frame.certainty.cat.categories) == levels and frame.certainty.cat.ordered
    assert CountingHandler.requests == [f"/v{OLD}/manifest.json", f"/v{OLD}/claims.parquet"]
    again = alliance_data.load("claims", version=OLD, base_url=url, backend="polars")
    assert again.height == len(frame)
    fetched = [f"/v{OLD}/manifest.json", f"/v{OLD}/claims.parquet"]
    assert CountingHandler.requests == fetched, "the second load must come from the cache"


def test_the_base_url_may_come_from_the_environment(mirror, monkeypatch):
    url, _ = mirror
    monkeypatch.setenv(BASE_URL_VARIABLE, url)
    assert len(alliance_data.load("topics", version=OLD)) > 0


def test_a_tampered_download_is_refused(mirror):
    url, folder = mirror
    target = folder / f"v{OLD}" / "claims.parquet"
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ReleaseFetchError, match="does not match the SHA-256"):
        alliance_data.load("claims", version=OLD, base_url=url)


def test_a_tampered_cache_is_refused_then_fetched_again(mirror, tmp_path):
    url, _ = mirror
    alliance_data.load("topics", version=OLD, base_url=url)
    [cached] = (tmp_path / "cache").rglob("topics.parquet")
    cached.write_bytes(b"not parquet")
    frame = alliance_data.load("topics", version=OLD, base_url=url)
    assert len(frame) > 0
    assert CountingHandler.requests.count(f"/v{OLD}/topics.parquet") == 2


def test_an_unknown_version_and_a_missing_base_url_are_clear(mirror):
    with pytest.raises(ReleaseFetchError, match="not a published release"):
        alliance_data.load("claims", version="0.0.1")
    with pytest.raises(ReleaseFetchError, match=BASE_URL_VARIABLE):
        alliance_data.load("claims", version=OLD)


def test_load_all_of_an_older_version(mirror):
    url, _ = mirror
    index = json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    [entry] = [e for e in index["releases"] if e["version"] == OLD]
    frames = alliance_data.load_all(version=OLD, base_url=url)
    assert {name: len(frame) for name, frame in frames.items()} == entry["tables"]


def test_the_package_still_imports_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import alliance_data, sys; print(sorted(m for m in ('pandas','pyarrow','polars','pooch') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
