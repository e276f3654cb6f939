"""The public server under hostile use, against a real `alliance-data serve` on loopback (its own
process, so its memory is this file's alone) and in-process over a database with the longest
values the build accepts: every response is bounded in bytes, memory stays bounded, cheap pages
are answered while slow queries run, errors are cheap and have the right status, and nothing
about the machine is revealed. Request counts are bounded, time bounds generous (the figures are
measured in benchmarks/serve_hostile.py)."""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from alliance_data.codebook.models import MAX_TEXT_LENGTH
from alliance_data.reader.loading import database_path
from alliance_data.serving import bounds
from alliance_data.serving.bounds import MAX_RESPONSE_BYTES, MAX_RESULT_BYTES, MAX_VALUE_BYTES
from conftest import ROOT, running_server

CHEAP = "/alliance/claims.json?_size=5"
RUNAWAY = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(base url, process, stderr file) of a server started for this module alone."""
    log = tmp_path_factory.mktemp("hostile") / "stderr.txt"
    with open(log, "wb") as stderr, running_server(stderr) as (base, process):
        yield base, process, log


@pytest.fixture(scope="module")
def base(hostile):
    return hostile[0]


def get(base: str, path: str, timeout: float = 60):
    """(status, body, headers); the body is read up to one byte past the cap."""
    try:
        response = urllib.request.urlopen(base + path, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.read(MAX_RESPONSE_BYTES + 1), response.headers


def sql_path(query: str, extension: str = "json", **extra: str) -> str:
    suffix = f".{extension}" if extension else ""
    return f"/alliance{suffix}?" + urllib.parse.urlencode({"sql": query, **extra})


def rows(n: int, value: str) -> str:
    """A query of `n` rows of `value`, independent of the data's size."""
    return f"with recursive r(i) as (select 1 union all select i + 1 from r where i < {n}) select {value} as v from r"


def text(length: int, character: str = "'x'") -> str:
    """SQL for a text of `length` times `character` (printf is denied)."""
    return f"replace(hex(zeroblob({length // 2})), '0', {character})"


def peak_rss(process) -> int:
    status = Path(f"/proc/{process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024


# Just under the per-value limit, enough rows to pass the result cap several times over.
NEAR_LIMIT = MAX_VALUE_BYTES - 1000
MANY = MAX_RESULT_BYTES // NEAR_LIMIT * 4
WORST = {
    "zeroblob × 40 (the issue's query)": sql_path("select zeroblob(4999999) as b from claims limit 40"),
    "blobs under the value limit": sql_path(rows(MANY, f"zeroblob({NEAR_LIMIT})")),
    "control characters (6 bytes of JSON each)": sql_path(rows(MANY, text(NEAR_LIMIT, "char(1)"))),
    "highlight() with a 4M-character marker": sql_path(
        "select highlight(claims_fts, 0, substr(hex(zeroblob(2000000)), 1), '') as h from claims_fts"
    ),
    "highlight() with a marker under the value limit": sql_path(
        f"select highlight(claims_fts, 0, {text(NEAR_LIMIT // 4)}, '') as h from claims_fts "
        "where claims_fts match 'iran OR russia'"
    ),
    "as CSV": sql_path(rows(MANY, f"zeroblob({NEAR_LIMIT})"), "csv"),
    "as CSV, _stream=on": sql_path(rows(MANY, text(NEAR_LIMIT)), "csv", _stream="on"),
    "as HTML": sql_path(rows(MANY, text(NEAR_LIMIT)), ""),
}


@pytest.mark.parametrize("path", WORST.values(), ids=WORST.keys())
def test_no_response_passes_the_cap_and_a_refusal_says_why(base, path):
    status, body, _ = get(base, path)
    assert len(body) <= MAX_RESPONSE_BYTES
    assert status in (400, 413), (status, body[:300])
    text = body.decode("utf-8", "replace")
    if status == 413:
        assert "larger than" in text or "returns more than" in text, text[:300]
        if ".json?" in path:
            assert json.loads(body)["status"] == 413
    else:
        assert "too big" in text or "not authorized" in text, text[:300]


FAILING = ["select zeroblob(4999999) as b from claims limit 40", "select * from no_such", "select fts3_tokenizer('x')"]


@pytest.mark.parametrize("query", FAILING)
def test_a_failed_query_as_csv_is_a_400_not_an_empty_200(base, query):
    status, body, _ = get(base, sql_path(query, "csv"))
    assert status == 400 and b".json" in body, (status, body[:300])
    status, body, _ = get(base, sql_path("select claim_id from claims where 0", "csv"))
    assert status == 200 and body.strip() == b"claim_id"  # no rows, one column: a result
    # Without the header row no rows and an error look alike: left as Datasette answers.
    assert get(base, sql_path("select claim_id from claims where 0", "csv", _header="off"))[0] == 200


def test_memory_stays_bounded_through_a_flood_of_the_worst_queries(hostile):
    base, process, _ = hostile
    paths = list(WORST.values()) * 4
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda path: get(base, path, timeout=120)[0], paths))
    assert set(statuses) <= {400, 413, 503}, statuses
    assert get(base, CHEAP)[0] == 200
    assert peak_rss(process) < 1024**3, f"peak RSS {peak_rss(process) / 2**20:.0f} MiB"


# Seconds of waits: the runaway queries run one at a time, the time limit each, and those left
# waiting are refused after the wait. The default tier tests the admission in-process with a short
# wait (test_serve_budget.py).
@pytest.mark.slow
def test_heavy_requests_beyond_the_limit_wait_then_get_a_clear_503(base):
    # More runaway queries at once than may run and wait: the rest are refused at once, with Retry-After.
    clients = bounds.MAX_HEAVY_REQUESTS + bounds.MAX_HEAVY_WAITING + 4
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda _: get(base, sql_path(RUNAWAY), timeout=60), range(clients)))
    statuses = [status for status, _, _ in answers]
    assert 503 in statuses and set(statuses) <= {400, 503}, statuses
    refusal = next(answer for answer in answers if answer[0] == 503)
    assert refusal[2].get("Retry-After") and "busy" in json.loads(refusal[1])["error"]


# Seconds of runaway queries; the default tier keeps cheap pages under attack in test_serve_budget.py.
@pytest.mark.slow
def test_cheap_pages_are_answered_while_four_slow_queries_are_in_flight(base):
    stop = threading.Event()

    def slow_client():
        while not stop.is_set():
            get(base, sql_path(RUNAWAY), timeout=60)

    threads = [threading.Thread(target=slow_client) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        latencies = []
        for _ in range(20):
            started = time.monotonic()
            assert get(base, CHEAP, timeout=60)[0] == 200
            latencies.append(time.monotonic() - started)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    # Generous: with every SQL thread taken by a slow query, a cheap page waits for one to finish.
    assert max(latencies) < 0.9, latencies


NOT_FOUND = ["/alliance/claims/-/insert", "/%2e%2e/x", "/nope", "/alliance/nope", "/alliance/claims/no-such-claim"]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_a_missing_page_is_404(base, path):
    assert get(base, path)[0] == 404


def test_errors_print_no_traceback_and_do_not_hold_up_other_pages(hostile):
    base, _, log = hostile
    before = log.stat().st_size
    with ThreadPoolExecutor(4) as pool:
        missing = [pool.submit(get, base, NOT_FOUND[i % len(NOT_FOUND)]) for i in range(40)]
        started = time.monotonic()
        cheap = [get(base, CHEAP)[0] for _ in range(10)]
        elapsed = time.monotonic() - started
        assert [future.result()[0] for future in missing] == [404] * 40
    assert cheap == [200] * 10 and elapsed < 5
    with open(log, "rb") as handle:
        handle.seek(before)
        written = handle.read().decode("utf-8", "replace")
    assert "Traceback" not in written and "locals" not in written and "│" not in written, written[-2000:]


BAD_PARAMETERS = [
    "_sort=nonexistent",
    "_sort_desc=nonexistent",
    "_sort=kind&_sort_desc=kind",
    "_sort=rowid",
    "_through=bad",
    "_through=%5B1%5D",
    "_through=%7B%22table%22%3A%22nope%22%2C%22column%22%3A%22x%22%2C%22value%22%3A%22x%22%7D",
    "_through=%7B%22table%22%3A%22claim_actors%22%7D",
    "_timelimit=abc",
    "kind__in=%5Bbad",
]


@pytest.mark.parametrize("query", BAD_PARAMETERS)
def test_a_bad_parameter_is_400_with_its_reason(base, query):
    status, body, _ = get(base, f"/alliance/claims.json?{query}")
    assert status == 400, body[:300]
    assert json.loads(body)["error"]
    assert get(base, f"/alliance/claims?{query}")[0] == 400  # the HTML page too


def test_only_errors_in_reading_parameters_become_400():
    from alliance_data.serving.errors import classify

    assert classify(RuntimeError("bug"), has_parameters=True)[0] == 500
    assert classify(KeyError("x"), has_parameters=False)[0] == 500
    assert classify(KeyError("x"), has_parameters=True)[0] == 400


@pytest.mark.parametrize(
    "query",
    [
        "select fts3_tokenizer('simple') as t",
        "select hex(fts3_tokenizer('porter')) as t",
        "select FTS3_TOKENIZER('x')",
        "select printf('%.*c', 1000000000, 'x')",
        "select format('%.*c', 1000000000, 'x')",
    ],
)
def test_denied_functions_are_refused(base, query):
    status, body, _ = get(base, sql_path(query))
    assert status == 400 and "not authorized" in json.loads(body)["error"], body[:300]


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """A request with its path exactly as given (no client-side normalisation of `..`)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


OUTSIDE = [
    "/files/" + "../" * 12 + "etc",
    "/files/" + "../" * 12 + "root/.ssh",
    "/files/" + "../" * 12 + "no-such-directory",
    "/files/" + "%2e%2e/" * 12 + "etc",
    "/files/..",
    "/files/",
    "/files/no-such-file.parquet",
    "/files/.",
    "/-/static/" + "../" * 12 + "etc",
    "/-/static/" + "../" * 12 + "no-such-directory",
]


@pytest.mark.parametrize("path", OUTSIDE)
def test_a_path_outside_the_files_answers_exactly_as_a_missing_file(base, path):
    assert raw_get(base, path) == raw_get(base, "/files/no-such-file.csv")
    assert raw_get(base, path)[0] == 404


def test_the_table_files_are_still_served(base):
    status, body = raw_get(base, "/files/claims.parquet")
    assert status == 200 and body.startswith(b"PAR1")


@pytest.mark.parametrize(
    "path",
    ["/-/databases.json", "/-/databases", "/-/metadata.json", "/-/settings.json", "/alliance.json"],
)
def test_no_page_reveals_where_the_database_lies(base, path):
    status, body, _ = get(base, path)
    assert status == 200
    assert str(Path(database_path()).parent).encode() not in body, body[:500]
    assert str(ROOT).encode() not in body


def test_databases_json_still_says_what_is_served(base):
    databases = json.loads(get(base, "/-/databases.json")[1])
    assert [(db["name"], db["is_mutable"]) for db in databases] == [("alliance", False)]
    assert all("path" not in db for db in databases)


# In-process, over a copy of the database whose first claim has the longest statement and quote the
# build accepts (4-byte characters) and a table large enough to stream past the response cap.


@pytest.fixture(scope="module")
def extreme(tmp_path_factory):
    from alliance_data.serving.server import ServedDatabase, make_datasette

    directory = tmp_path_factory.mktemp("extreme")
    copy = directory / "alliance.db"
    shutil.copyfile(database_path(), copy)
    connection = sqlite3.connect(copy)
    longest = "\N{GRINNING FACE}" * MAX_TEXT_LENGTH
    claim_id = connection.execute("select claim_id from claims order by claim_id limit 1").fetchone()[0]
    connection.execute("update claims set statement = ?, quote = ? where claim_id = ?", (longest, longest, claim_id))
    rows_per_page = 1000  # Datasette's max_returned_rows: one page stays under the result cap
    value = "x" * (MAX_RESULT_BYTES // rows_per_page // 2)
    pages = MAX_RESPONSE_BYTES // (rows_per_page * len(value)) + 2
    connection.execute("create table padding (id integer primary key, value text)")
    connection.executemany("insert into padding (value) values (?)", ((value,) for _ in range(rows_per_page * pages)))
    connection.commit()
    connection.close()
    loop = asyncio.new_event_loop()
    datasette = make_datasette(ServedDatabase(copy, None), directory / "work")
    loop.run_until_complete(datasette.invoke_startup())

    def fetch(path: str):
        return loop.run_until_complete(datasette.client.get(path))

    yield fetch, claim_id, longest
    loop.close()


def test_the_longest_values_the_build_accepts_are_served_whole(extreme):
    fetch, claim_id, longest = extreme
    response = fetch(f"/alliance/claims/{claim_id}.json?_shape=objects")
    assert response.status_code == 200, response.text[:300]
    row = response.json()["rows"][0]
    assert row["statement"] == longest and row["quote"] == longest
    assert fetch(f"/alliance/claims/{claim_id}").status_code == 200
    assert fetch("/alliance/claims.json?_size=5").status_code == 200


def test_a_stream_past_the_cap_is_a_413_not_a_truncated_200(extreme):
    fetch = extreme[0]
    response = fetch("/alliance/padding.csv?_stream=on&_size=max")
    assert response.status_code == 413, (response.status_code, len(response.content))
    assert len(response.content) < 10_000 and "larger than" in response.text
    json_response = fetch("/alliance/padding.json?_size=max")  # one page: under every cap
    assert json_response.status_code == 200 and len(json_response.json()["rows"]) == 1000
