"""A bounded hostile load on `alliance-data serve` on loopback, with the settings before and after.

    python -m benchmarks.serve_hostile                  # this checkout, and the server of fa23be2 (before)
    python -m benchmarks.serve_hostile --before none    # this checkout only

It measures, each phase on a fresh server: the response to each of the worst queries (status,
bytes, time); the server's peak resident memory through a flood of them; the latency of a cheap
page idle, with four slow queries in flight, and with two clients requesting missing pages. Every
phase is bounded in requests and time, and a watchdog kills a server whose memory passes
--kill-gib (the old server needs about 6 GiB for one of these queries).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30
BEFORE = "fa23be2"  # the last commit with the shipped settings before the server was hardened


def _sql(query: str, extension: str = "json") -> str:
    return f"/alliance.{extension}?" + urllib.parse.urlencode({"sql": query})


def _text(length: int, character: str = "'x'") -> str:
    """SQL for a text of `length` times `character`, without printf (denied now)."""
    return f"replace(hex(zeroblob({length // 2})), '0', {character})"


WORST = {
    "zeroblob(4999999) × 40 rows, JSON": _sql("select zeroblob(4999999) as b from claims limit 40"),
    "zeroblob(4999999) × 40 rows, CSV": _sql("select zeroblob(4999999) as b from claims limit 40", "csv"),
    "highlight() with a 4M-character marker": _sql(
        f"select highlight(claims_fts, 0, {_text(4_000_000)}, '') as h from claims_fts where claims_fts match 'iran'"
    ),
    "highlight() with a 700k-character marker": _sql(
        f"select highlight(claims_fts, 0, {_text(700_000)}, '') as h from claims_fts where claims_fts match 'iran'"
    ),
    "700k control characters × 1000 rows": _sql(f"select {_text(700_000, 'char(1)')} as t from claims limit 1000"),
    "printf('%.*c', 1e9, 'x'), past the time limit": _sql("select printf('%.*c', 1000000000, 'x') as t"),
    "whole claims table, CSV _stream=on": "/alliance/claims.csv?_stream=on&_size=max",
}
SLOW = _sql("with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r")
MISSING = "/alliance/no-such-table"
CHEAP = "/alliance/claims.json?_size=5"


def response_cap() -> int:
    from alliance_data.serving.bounds import MAX_RESPONSE_BYTES

    return MAX_RESPONSE_BYTES


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            fields[line.split(":")[0]] = int(line.split()[1]) * 1024
    return fields


class Server:
    """`alliance-data serve` from `src` on a free port, watched: killed if its memory passes `kill_bytes`."""

    def __init__(self, src: Path, kill_bytes: int, preexec_fn=None, stderr=subprocess.DEVNULL):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(src))
        command = [sys.executable, "-m", "alliance_data.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=preexec_fn
        )
        self.kill_bytes, self.killed, self.peak = kill_bytes, False, 0
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        self._watching = True
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while self._watching and self.process.poll() is None:
            try:
                status = _status(self.process.pid)
            except OSError:
                return
            self.peak = max(self.peak, status.get("VmHWM", 0), status.get("VmRSS", 0))
            if status.get("VmRSS", 0) > self.kill_bytes:
                self.killed = True
                self.process.send_signal(signal.SIGKILL)
                return
            time.sleep(0.02)

    def stop(self) -> None:
        self._watching = False
        self._watcher.join(timeout=5)
        if self.process.poll() is None:
            self.peak = max(self.peak, _status(self.process.pid).get("VmHWM", 0))
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a worker stuck in one SQLite call holds the shutdown
                self.process.kill()
                self.process.wait(timeout=20)


def get(base: str, path: str, timeout: float = 120) -> tuple[int, int, float]:
    """(status, bytes of body, seconds); the body is counted, not kept. Status 0: no answer."""
    started = time.perf_counter()
    size, status = 0, 0
    try:
        response = urllib.request.urlopen(base + path, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    except (OSError, http.client.HTTPException):
        return 0, 0, time.perf_counter() - started
    try:
        status = response.status if hasattr(response, "status") else response.code
        while chunk := response.read(1 << 20):
            size += len(chunk)
    except (OSError, http.client.HTTPException):
        pass  # cut off (a killed server, or a truncated stream): what arrived is counted
    finally:
        response.close()
    return status, size, time.perf_counter() - started


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)] * 1000,
        "max_ms": ordered[-1] * 1000,
        "n": len(ordered),
    }


def cheap_page_latency(base: str, requests: int, budget_s: float) -> dict:
    seconds = []
    deadline = time.monotonic() + budget_s
    while len(seconds) < requests and time.monotonic() < deadline:
        status, _, elapsed = get(base, CHEAP, timeout=budget_s)
        seconds.append(elapsed if status == 200 else float("inf"))
    return percentiles(seconds)


def under_load(base: str, background: str, clients: int, requests: int, budget_s: float) -> dict:
    """The cheap page's latency while `clients` threads send `background` requests in a loop."""
    stop = threading.Event()
    statuses: Counter = Counter()

    def hammer():
        while not stop.is_set():
            statuses[get(base, background, timeout=budget_s)[0]] += 1

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the background requests are in flight
    try:
        result = cheap_page_latency(base, requests, budget_s)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=budget_s + 10)
    result["background_statuses"] = dict(sorted(statuses.items()))
    return result


def measure(src: Path, label: str, requests: int, flood_clients: int, flood_rounds: int, kill_bytes: int) -> dict:
    result: dict = {"label": label, "src": str(src)}

    server = Server(src, kill_bytes)
    try:
        result["idle"] = cheap_page_latency(server.base, requests, 60)
    finally:
        server.stop()

    worst = {}
    for name, path in WORST.items():
        server = Server(src, kill_bytes)
        try:
            status, size, seconds = get(server.base, path)
        finally:
            server.stop()
        worst[name] = {"status": status, "bytes": size, "seconds": seconds, "peak_rss": server.peak}
        worst[name]["killed"] = server.killed
    result["worst"] = worst

    server = Server(src, kill_bytes)
    statuses: Counter = Counter()
    started = time.perf_counter()
    try:
        paths = [path for _ in range(flood_rounds) for path in WORST.values()] * flood_clients
        with ThreadPoolExecutor(flood_clients) as pool:
            for status, _, _ in pool.map(lambda path: get(server.base, path), paths):
                statuses[status] += 1
        alive = server.process.poll() is None
    finally:
        server.stop()
    result["flood"] = {
        "requests": sum(statuses.values()),
        "clients": flood_clients,
        "statuses": dict(sorted(statuses.items())),
        "seconds": time.perf_counter() - started,
        "peak_rss": server.peak,
        "killed": server.killed,
        "alive": alive and not server.killed,
    }

    for phase, background, clients in (("slow", SLOW, 4), ("missing", MISSING, 2)):
        server = Server(src, kill_bytes)
        try:
            result[phase] = under_load(server.base, background, clients, requests, 120)
        finally:
            server.stop()
    return result


def _mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB" if value >= 2**20 else f"{value / 1024:,.0f} KiB"


def _status_text(figures: dict) -> str:
    if figures.get("killed"):
        return f"killed at {_mib(figures['peak_rss'])}"
    return str(figures["status"]) if figures["status"] else "no answer"


def _ms(figures: dict, key: str) -> str:
    value = figures[key]
    return "no answer" if value == float("inf") else f"{value:,.0f}"


def print_results(results: list[dict]) -> None:
    labels = [result["label"] for result in results]
    print("### Peak memory, the response cap and the cheap page\n")
    print("| | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(results))

    def row(name: str, cells) -> None:
        print(f"| {name} | " + " | ".join(cells) + " |")

    row("peak server RSS, flood of the worst queries", [_flood(r["flood"]) for r in results])
    row("largest response to a worst query", [_mib(max(w["bytes"] for w in r["worst"].values())) for r in results])
    phases = (
        ("idle", "idle"),
        ("slow", "four slow queries in flight"),
        ("missing", "two clients requesting a missing page"),
    )
    for phase, name in phases:
        cells = [f"{_ms(r[phase], 'p50_ms')} / {_ms(r[phase], 'p99_ms')}" for r in results]
        row(f"cheap page p50 / p99, {name} (ms)", cells)
    print("\n### Each worst query alone (status, bytes answered, seconds, server's peak RSS)\n")
    print("| query | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(results))
    for name in WORST:
        cells = []
        for result in results:
            figures = result["worst"][name]
            answer = f"{_status_text(figures)}, {_mib(figures['bytes'])}"
            cells.append(f"{answer}, {figures['seconds']:.1f} s, {_mib(figures['peak_rss'])}")
        row(name, cells)
    print("\n### The flood and the background load\n")
    for result in results:
        flood = result["flood"]
        print(
            f"- {result['label']}: flood of {flood['requests']} requests from {flood['clients']} clients in "
            f"{flood['seconds']:.0f} s, statuses {flood['statuses']} (0: no answer); background statuses with the slow "
            f"queries {result['slow']['background_statuses']}, with the missing pages "
            f"{result['missing']['background_statuses']}; cheap-page requests measured per phase: "
            f"{result['idle']['n']}, {result['slow']['n']}, {result['missing']['n']}."
        )


def _flood(flood: dict) -> str:
    text = _mib(flood["peak_rss"])
    return f"killed at {text}" if flood["killed"] else text


def checkout_src(revision: str, into: Path) -> Path:
    """The src/ of `revision` (the packaged database included), extracted with git archive."""
    archive = subprocess.run(["git", "archive", revision, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="a git revision to compare with, or 'none'")
    parser.add_argument("--requests", type=int, default=100, help="cheap-page requests per phase")
    parser.add_argument("--flood-clients", type=int, default=8)
    parser.add_argument("--flood-rounds", type=int, default=2, help="times each worst query is sent per client")
    parser.add_argument("--kill-gib", type=float, default=8.0, help="kill a server whose RSS passes this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    kill_bytes = int(args.kill_gib * 2**30)
    results = []
    with tempfile.TemporaryDirectory(prefix="serve-hostile-") as workdir:
        sources = []
        if args.before != "none":
            sources.append((f"before ({args.before})", checkout_src(args.before, Path(workdir))))
        sources.append(("after", ROOT / "src"))
        for label, src in sources:
            print(f"measuring {label}", file=sys.stderr, flush=True)
            results.append(measure(src, label, args.requests, args.flood_clients, args.flood_rounds, kill_bytes))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_results(results)


if __name__ == "__main__":
    main()
