"""Every request's work is bounded, not only its output: against a real `alliance-data serve` on
loopback, the attacks of one-step SQLite functions, repeated facets, wide HTML, long searches,
idle sockets and debugging pages are each answered at once (or refused), and a cheap page stays
answerable while they run. Sizes are bounded so that each test takes seconds here; the time
bounds are generous (the figures are measured in benchmarks/serve_hostile.py)."""

from __future__ import annotations

import asyncio
import http.client
import json
import resource
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, running_server

CHEAP = "/alliance/claims.json?_size=5"
# Generous: a bounded request takes milliseconds here, an unbounded one tens of seconds or more.
ANSWERED_WITHIN_SECONDS = 10.0
CHEAP_WITHIN_SECONDS = 5.0


@pytest.fixture(scope="module")
def base():
    with running_server() as (url, _):
        yield url


def get(base: str, path: str, timeout: float = 30):
    """(status, body, seconds); status 0 when there was no answer within `timeout`."""
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(base + path, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    except OSError:
        return 0, b"", time.monotonic() - started
    with response:
        try:
            return response.status, response.read(), time.monotonic() - started
        except OSError:
            return 0, b"", time.monotonic() - started


def sql_path(query: str, extension: str = "json") -> str:
    return f"/alliance{'.' + extension if extension else ''}?" + urllib.parse.urlencode({"sql": query})


def letters(count: int, letter: str = "a") -> str:
    """SQL for a text of `count` times `letter` (2 × count/2 hex digits, replaced)."""
    return f"replace(hex(zeroblob({count // 2})), '0', '{letter}')"


def cheap_page_while(base: str, attack: str, clients: int, requests: int = 10) -> list[float]:
    """Seconds of `requests` cheap pages while `clients` threads send `attack` in a loop."""
    stop = threading.Event()

    def attacker():
        while not stop.is_set():
            get(base, attack, timeout=60)

    threads = [threading.Thread(target=attacker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        seconds = []
        for _ in range(requests):
            status, _, elapsed = get(base, CHEAP, timeout=CHEAP_WITHIN_SECONDS * 4)
            seconds.append(elapsed if status == 200 else float("inf"))
        return seconds
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)


# One SQLite call each, O(n·m) in SQLite 3.40 (neither the time limit nor an interrupt stops it).
ONE_STEP_BOMBS = {
    "instr": f"select instr({letters(1_580_000)}, {letters(400_000)} || 'b') as found",
    "replace": f"select length(replace({letters(1_580_000)}, {letters(400_000)} || 'b', 'c')) as n",
    "trim": f"select length(trim({letters(1_580_000)}, {letters(400_000, 'b')})) as n",
    "like": f"select {letters(1_580_000)} like '%' || {letters(20_000)} || 'b' as matched",
}


@pytest.mark.parametrize("name", ONE_STEP_BOMBS)
def test_a_one_step_function_bomb_is_answered_at_once(base, name):
    status, body, seconds = get(base, sql_path(ONE_STEP_BOMBS[name]))
    assert status in (200, 400), (status, body[:300])
    assert seconds < ANSWERED_WITHIN_SECONDS, seconds
    if status == 400:  # refused: the reason is said
        assert "pattern" in json.loads(body)["error"]


def test_the_linear_functions_answer_as_sqlite_does(base):
    query = "select instr('héllo', 'l') as i, replace('a-b-c', '-', '+') as r, trim('xxayx', 'xy') as t"
    status, body, _ = get(base, sql_path(query) + "&_shape=objects")
    assert status == 200 and json.loads(body)["rows"] == [{"i": 3, "r": "a+b+c", "t": "a"}]


def test_a_repeated_facet_is_computed_once(base):
    path = "/alliance/claims.json?_size=1&" + "&".join(["_facet=kind"] * 1_000)
    status, body, seconds = get(base, path)
    assert status == 200 and seconds < ANSWERED_WITHIN_SECONDS, (status, seconds)
    once = json.loads(get(base, "/alliance/claims.json?_size=1&_facet=kind")[1])
    assert json.loads(body)["facet_results"].keys() == once["facet_results"].keys()
    assert len(body) < 100_000, len(body)  # the toggle links do not repeat a thousand facets


def test_too_many_distinct_facets_are_refused_with_the_reason(base):
    columns = ["kind", "topic_id", "certainty", "section_id", "source_id", "time_frame", "period_label", "attribution"]
    columns += ["hedge_note", "prefix", "suffix", "period_start", "period_end", "char_start", "char_end"]
    path = "/alliance/claims.json?_size=1&" + "&".join(f"_facet={column}" for column in columns)
    status, body, _ = get(base, path)
    assert status == 400 and "facets" in json.loads(body)["error"], (status, body[:300])


def test_the_cheap_page_is_answered_during_a_facet_attack(base):
    attack = "/alliance/claims?" + "&".join(["_facet=kind", "_facet=topic_id", "_facet=certainty"] * 300)
    seconds = cheap_page_while(base, attack, clients=8)
    assert max(seconds) < CHEAP_WITHIN_SECONDS, seconds


THOUSAND_ROWS = "with recursive r(i) as (select 1 union all select i + 1 from r limit 1000)"


def test_a_wide_html_result_does_not_hold_the_other_requests(base):
    columns = ", ".join(f"'x' as c{i}" for i in range(500))
    wide = sql_path(f"{THOUSAND_ROWS} select {columns} from r", "")
    seconds = cheap_page_while(base, wide, clients=2)
    assert max(seconds) < CHEAP_WITHIN_SECONDS, seconds


def test_an_html_page_of_many_cells_is_refused_and_its_json_answered(base):
    query = f"{THOUSAND_ROWS} select * from claims, r limit 1000"
    status, body, _ = get(base, sql_path(query, ""))
    assert status == 413 and b".json" in body, (status, body[:300])
    assert get(base, sql_path(query))[0] == 200


def test_the_cheap_page_is_answered_during_long_searches(base):
    words = " ".join(f"word{i}" for i in range(6_000))
    attack = "/alliance/search_claims.json?" + urllib.parse.urlencode({"q": words})
    status, _, seconds = get(base, attack)
    assert seconds < ANSWERED_WITHIN_SECONDS and status != 500, (status, seconds)
    seconds = cheap_page_while(base, attack, clients=6)
    assert max(seconds) < CHEAP_WITHIN_SECONDS, seconds


def test_an_overlong_query_string_is_refused_before_any_work(base):
    status, body, _ = get(base, sql_path("select 1 as one" + " " * 40_000))
    assert status == 414 and "longer than" in json.loads(body)["error"], (status, body[:300])


@pytest.mark.parametrize("path", ["/-/threads.json", "/-/threads", "/-/messages", "/-/actor.json", "/-/permissions"])
def test_debugging_pages_are_not_served(base, path):
    assert get(base, path)[0] == 404


def test_a_body_is_refused_before_it_is_read(base):
    # A request that announces 250 MB and sends none of it: answered without waiting for the body.
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=ANSWERED_WITHIN_SECONDS)
    try:
        connection.putrequest("POST", "/-/messages")
        connection.putheader("Content-Length", str(250_000_000))
        connection.endheaders()
        status = connection.getresponse().status
    finally:
        connection.close()
    assert status in (404, 405), status


def test_the_database_path_is_not_revealed_by_a_pragma(base):
    status, body, _ = get(base, sql_path("select * from pragma_database_list"))
    assert status != 200, body[:300]
    assert str(ROOT).encode() not in body and b"alliance.db" not in body


def _few_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


@pytest.mark.slow  # A server of its own, with 300 idle connections held for seconds.
def test_idle_sockets_past_the_descriptor_limit_do_not_stop_the_server(tmp_path):
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as stderr, running_server(stderr, preexec_fn=_few_descriptors) as (url, _):
        port = int(url.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
        try:
            time.sleep(1)
            answers = [get(url, CHEAP, timeout=CHEAP_WITHIN_SECONDS) for _ in range(5)]
        finally:
            for sock in idle:
                sock.close()
    assert [status for status, _, _ in answers] == [200] * 5, [(s, t) for s, _, t in answers]
    assert log.stat().st_size < 64 * 1024, log.stat().st_size  # no traceback for each failed accept


@pytest.mark.slow  # Waits out the server's whole request-head timeout.
def test_a_connection_that_never_finishes_its_request_head_is_closed(base):
    port = int(base.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /alliance HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        sock.settimeout(30)
        try:
            closed = sock.recv(1024) == b""
        except TimeoutError:
            closed = False
    assert closed and time.monotonic() - started < 25


# --- the whole-request deadline, in-process ------------------------------------------------------


RUNAWAY = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"


def test_sql_of_an_abandoned_request_is_interrupted():
    from alliance_data.serving.workers import interrupt_when_abandoned

    class Database:
        conn = sqlite3.connect(":memory:", check_same_thread=False)

        async def execute_fn(self, fn):
            return await asyncio.get_running_loop().run_in_executor(None, fn, self.conn)

    outcome, finished = [], threading.Event()

    def runaway(conn):
        try:
            conn.execute(RUNAWAY).fetchall()
            outcome.append("finished")
        except sqlite3.OperationalError as error:
            outcome.append(str(error))
        finally:
            finished.set()

    database = Database()
    interrupt_when_abandoned(database)

    async def abandon():
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(database.execute_fn(runaway), 0.2)

    asyncio.run(abandon())
    assert finished.wait(5) and outcome == ["interrupted"], outcome


def test_a_request_past_its_deadline_gets_a_503(monkeypatch):
    from alliance_data.serving import guard as guard_module

    monkeypatch.setattr(guard_module, "REQUEST_DEADLINE_SECONDS", 0.2)

    class Datasette:
        static_mounts = ()

    async def never_answers(scope, receive, send):
        await asyncio.sleep(60)

    sent = []

    async def send(message):
        sent.append(message)

    async def request():
        app = guard_module.guard(Datasette(), never_answers)
        scope = {"type": "http", "method": "GET", "path": "/alliance/claims", "query_string": b""}
        await asyncio.wait_for(app(scope, None, send), 5)

    asyncio.run(request())
    assert sent[0]["status"] == 503 and b"took longer" in sent[1]["body"]


def test_requests_beyond_those_running_and_waiting_get_a_clear_503(monkeypatch):
    # The guard's admission with a wait of 0.2 s instead of seconds (the real server's flood of
    # runaway queries is test_serve_hostile's, in the slow tier): of more visitor's SQL requests at
    # once than may run and wait, those that run are answered, those beyond the waiting room are
    # refused at once and those still waiting after the wait are refused then, each a 503 saying
    # the server is busy, with Retry-After.
    from alliance_data.serving import admission
    from alliance_data.serving import guard as guard_module
    from alliance_data.serving.bounds import MAX_HEAVY_REQUESTS, MAX_HEAVY_WAITING

    wait = 0.2
    monkeypatch.setattr(admission, "ADMISSION_WAIT_SECONDS", wait)

    class Datasette:
        static_mounts = ()

    async def runaway(scope, receive, send):  # holds its turn past the wait
        await asyncio.sleep(3 * wait)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    async def requests(count: int) -> list[tuple[float, list[dict]]]:
        """(seconds to its answer, what was sent) of each request, one arriving every 5 ms."""
        app = guard_module.guard(Datasette(), runaway)
        loop = asyncio.get_running_loop()

        async def one() -> tuple[float, list[dict]]:
            sent: list[dict] = []

            async def send(message):
                sent.append(message)

            started = loop.time()
            scope = {"type": "http", "method": "GET", "path": "/alliance.json", "query_string": b"sql=select+1"}
            await asyncio.wait_for(app(scope, None, send), 5)
            return loop.time() - started, sent

        arriving = []
        for _ in range(count):
            arriving.append(asyncio.ensure_future(one()))
            await asyncio.sleep(0.005)
        return await asyncio.gather(*arriving)

    answers = asyncio.run(requests(MAX_HEAVY_REQUESTS + MAX_HEAVY_WAITING + 4))
    answered = [seconds for seconds, sent in answers if sent[0]["status"] == 200]
    refused = [(seconds, sent) for seconds, sent in answers if sent[0]["status"] == 503]
    assert len(answered) == MAX_HEAVY_REQUESTS and len(refused) == MAX_HEAVY_WAITING + 4
    at_once = [seconds for seconds, _ in refused if seconds < wait / 2]
    after_the_wait = [seconds for seconds, _ in refused if seconds >= wait]
    assert len(at_once) == 4 and len(after_the_wait) == MAX_HEAVY_WAITING, refused
    for _, (start, body) in refused:
        assert dict(start["headers"]).get(b"retry-after") == b"2"
        assert "busy" in json.loads(body["body"])["error"]


def test_a_response_that_started_in_time_is_sent_whole(monkeypatch):
    # The deadline bounds the work; a response already started (bytes bounded) may take longer to send.
    from alliance_data.serving import guard as guard_module

    monkeypatch.setattr(guard_module, "REQUEST_DEADLINE_SECONDS", 0.2)

    class Datasette:
        static_mounts = ()

    async def slow_sender(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [[b"content-length", b"4"]]})
        await asyncio.sleep(0.5)
        await send({"type": "http.response.body", "body": b"done"})

    sent = []

    async def send(message):
        sent.append(message)

    async def request():
        app = guard_module.guard(Datasette(), slow_sender)
        scope = {"type": "http", "method": "GET", "path": "/files/claims.csv", "query_string": b""}
        await asyncio.wait_for(app(scope, None, send), 5)

    asyncio.run(request())
    assert [message.get("status") or message.get("body") for message in sent] == [200, b"done"]
