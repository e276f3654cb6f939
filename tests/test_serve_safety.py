"""Against a real `alliance-data serve` on loopback: read-only, bounded, and the file never changes."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from alliance_data.reader.loading import database_path, manifest

# Queries that would each make SQLite build a gigabyte (benchmarks/serve_bombs.py times the same).
BOMBS = {
    "zeroblob": "select zeroblob(1000000000) as x",
    "randomblob": "select randomblob(1000000000) as x",
    "printf": "select printf('%.*c', 1000000000, 'x') as x",
    "replace": "select replace(hex(zeroblob(10000000)), '00', 'aaaaaaaaaaaaaaaaaaaa') as x",
    "group_concat": "with recursive r(i) as (select 1 union all select i + 1 from r where i < 100000000) "
    "select length(group_concat(printf('%.100c', 'x'))) as x from r",
}
# The pages a reader asks for most (benchmarks/serve_load.py measures them under load).
LOADED_PATHS = [
    "/alliance/claims",
    "/alliance/claims/irda-s3-004",
    "/alliance/claims.json?topic_id=area-energy",
    "/alliance/claims.json?_search=sanctions&_size=10",
    "/alliance/claims.json?_facet=certainty&_size=0",
    "/alliance/actor_pair_counts.json",
    "/article/irda",
    "/-/source/irda.txt",
    "/alliance/search_claims?q=sanctions",
    "/alliance/claims_by_actor?actor_id=RUS",
]


def fetch(base: str, path: str, timeout: float = 10) -> tuple[int, dict | str]:
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def sql(base: str, query: str, timeout: float = 10):
    return fetch(base, "/alliance.json?" + urllib.parse.urlencode({"sql": query, "_shape": "objects"}), timeout)


def test_only_our_plugin_is_installed(server):
    status, plugins = fetch(server, "/-/plugins.json")
    # Our two plugin modules, registered by `serve` (serving/plugins.py), and nothing else.
    names = {plugin["name"] for plugin in plugins}
    assert status == 200 and names == {"alliance_data.serving.limits", "alliance_data.serving.reader"}
    hooks = {hook for plugin in plugins for hook in plugin["hooks"]}
    assert {"asgi_wrapper", "handle_exception", "prepare_connection", "register_routes"} <= hooks


def test_the_database_is_served_immutable(server):
    status, databases = fetch(server, "/-/databases.json")
    assert status == 200 and databases[0]["name"] == "alliance"
    assert databases[0]["is_mutable"] is False


@pytest.mark.parametrize(
    "statement",
    [
        "update claims set kind = 'risk'",
        "delete from claims",
        "insert into topics (topic_id) values ('x')",
        "drop table claims",
        "attach database '/tmp/x.db' as x",
        "pragma journal_mode = wal",
    ],
)
def test_write_statements_are_refused(server, statement):
    status, body = sql(server, statement)
    assert status in (400, 403), body
    assert sql(server, "select count(*) as n from claims")[1]["rows"][0]["n"] > 100


@pytest.mark.parametrize("bomb", BOMBS.values(), ids=BOMBS.keys())
def test_memory_bombs_are_refused(server, bomb):
    # The refusal is what is tested; the bound only stops a hang (the time it takes is measured
    # by benchmarks/serve_bombs.py).
    status, body = sql(server, bomb, timeout=120)
    if status == 200:
        # SQLite's printf() answers an over-long result with NULL instead of an error.
        assert body["rows"] == [{"x": None}], str(body)[:200]
    else:
        error = body["error"]
        refused = ("too big", "interrupted", "time limit", "not authorized")
        assert status == 400 and any(reason in error.lower() for reason in refused), error
    assert sql(server, "select 1 as ok")[1]["rows"] == [{"ok": 1}]


def test_a_runaway_query_is_cut_off_while_others_are_answered(server):
    runaway = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
    with ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        slow = pool.submit(sql, server, runaway, 30)
        quick = [pool.submit(fetch, server, "/alliance/claims.json?_size=5") for _ in range(10)]
        assert all(future.result()[0] == 200 for future in quick)
        status, body = slow.result()
    assert status == 400 and time.monotonic() - started < 10, body


def test_serving_never_changes_the_file(server):
    # A session of browsing happened in the tests above; the file is as the manifest says.
    for path in ("/", "/alliance/claims?_facet=kind", "/alliance/claims?_search=energy", "/alliance/actor_pair_counts"):
        assert fetch(server, path)[0] == 200
    digest = hashlib.sha256(Path(database_path()).read_bytes()).hexdigest()
    assert digest == manifest()["database"]["sha256"]


def test_memory_stays_bounded_after_the_bombs(served):
    # Runs after the bombs above: the server's peak resident memory stayed modest.
    status = Path(f"/proc/{served[1].pid}/status").read_text()
    peak_kib = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    assert peak_kib < 600 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"


def test_a_bounded_load_has_no_failures(server):
    def status(path: str) -> int:
        return fetch(server, path)[0]

    with ThreadPoolExecutor(4) as pool:  # four clients, ten requests of each page
        statuses = list(pool.map(status, [path for path in LOADED_PATHS for _ in range(10)]))
    assert len(statuses) == 10 * len(LOADED_PATHS)
    assert [s for s in statuses if s != 200] == []


def test_serve_refuses_a_tampered_release(tmp_path):
    import shutil

    from alliance_data.problems import AllianceDataError
    from alliance_data.serving.server import locate
    from conftest import ROOT

    release = sorted((ROOT / "releases").glob("v*"))[-1]
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    # What is served is a private copy of the verified files, not the release directory.
    served = locate(release.name, tmp_path).path
    assert served.parent != copy and served.read_bytes() == (copy / "alliance.db").read_bytes()
    with open(copy / "alliance.db", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(AllianceDataError, match=r"alliance\.db"):
        locate(release.name, tmp_path)
    with pytest.raises(AllianceDataError, match="no release"):
        locate("9.9.9", tmp_path)


def test_the_release_database_is_a_single_self_contained_file():
    import sqlite3

    from conftest import ROOT

    release = sorted((ROOT / "releases").glob("v*"))[-1]
    uri = f"file:{release / 'alliance.db'}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True)
    assert db.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert db.execute("select count(*) from claims").fetchone()[0] > 100
    assert not list(release.glob("alliance.db-*"))
    # Journal mode is recorded in the header: bytes 18 and 19 are 1 for rollback journal, 2 for WAL.
    assert (release / "alliance.db").read_bytes()[18:20] == b"\x01\x01"
