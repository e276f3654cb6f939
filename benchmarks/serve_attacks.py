"""The server's work under each attack of issue 22 (section 5), before and after: peak RSS and the
cheap page's latency while the attack runs, on loopback.

    python -m benchmarks.serve_attacks                  # this checkout, and main's server (before)
    python -m benchmarks.serve_attacks --before none    # this checkout only

Each attack runs on a fresh server for at most --seconds (its clients stop by themselves, every
request has a timeout), while one client asks for the cheap page in a loop. A watchdog kills a
server whose memory passes --kill-gib. The load average of the machine is recorded per attack.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from .serve_hostile import CHEAP, ROOT, Server, checkout_src, get, percentiles

BEFORE = "2678de9"  # the server without the budget: main before this work (release 2.0.0's code)

THOUSAND_ROWS = "with recursive r(i) as (select 1 union all select i + 1 from r limit 1000)"


def _sql(query: str, extension: str = "json") -> str:
    return f"/alliance{'.' + extension if extension else ''}?" + urllib.parse.urlencode({"sql": query})


def _letters(count: int, letter: str = "a") -> str:
    return f"replace(hex(zeroblob({count // 2})), '0', '{letter}')"


WIDE_COLUMNS = ", ".join(["1"] * 1920)  # short, so that the request passes any head limit
SEARCH = urllib.parse.urlencode({"q": " ".join(f"word{i}" for i in range(6_000))})
# Three facets repeated: 900 parameters (a query string of 13.5 kB, within the 16 kB head limits).
FACETS = "&".join(["_facet=kind", "_facet=topic_id", "_facet=certainty"] * 300)

# name: (paths the attack's clients send in turn, clients)
HTTP_ATTACKS = {
    "wide HTML: 1,000 rows × 1,920 columns": ([_sql(f"{THOUSAND_ROWS} select {WIDE_COLUMNS} from r", "")], 1),
    "900 repeated facets on the claims page, 8 clients": ([f"/alliance/claims?{FACETS}"], 8),
    "one-step functions (instr, replace, trim, LIKE of 1.6 MB), 2 clients": (
        [
            _sql(f"select instr({_letters(1_580_000)}, {_letters(400_000)} || 'b') as found"),
            _sql(f"select length(replace({_letters(1_580_000)}, {_letters(400_000)} || 'b', 'c')) as n"),
            _sql(f"select length(trim({_letters(1_580_000)}, {_letters(400_000, 'b')})) as n"),
            _sql(f"select {_letters(1_580_000)} like '%' || {_letters(20_000)} || 'b' as matched"),
        ],
        2,
    ),
    "searches of 6,000 words, 6 clients": ([f"/alliance/search_claims.json?{SEARCH}"], 6),
}


# A cheap page not answered within this counts as no answer.
CHEAP_TIMEOUT_SECONDS = 30.0


def load_average() -> float:
    return os.getloadavg()[0]


def cheap_page_during(base: str, attack, seconds: float) -> dict:
    """The cheap page's latency while `attack(stop)` runs in its own thread, for `seconds`."""
    stop = threading.Event()
    statuses: Counter = Counter()
    attacker = threading.Thread(target=attack, args=(stop, statuses), daemon=True)
    loads = [load_average()]
    attacker.start()
    time.sleep(1.0)  # the attack is under way
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, elapsed = get(base, CHEAP, timeout=CHEAP_TIMEOUT_SECONDS)
        latencies.append(elapsed if status == 200 else float("inf"))
        time.sleep(0.05)
    loads.append(load_average())
    stop.set()
    attacker.join(timeout=60)
    result = percentiles(latencies)
    result["attack_statuses"] = dict(sorted(statuses.items()))
    result["load_average"] = max(loads)
    return result


def http_attack(base: str, paths: list[str], clients: int, timeout: float):
    def attack(stop, statuses):
        def client(offset):
            turn = offset
            while not stop.is_set():
                statuses[get(base, paths[turn % len(paths)], timeout=timeout)[0]] += 1
                turn += 1

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout + 5)

    return attack


def no_attack(stop, statuses):
    stop.wait()


def idle_sockets_attack(port: int, count: int):
    def attack(stop, statuses):
        opened = []
        try:
            for _ in range(count):
                try:
                    opened.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                    statuses["open"] += 1
                except OSError:
                    statuses["refused"] += 1
            stop.wait()
        finally:
            for sock in opened:
                sock.close()

    return attack


def bodies_attack(host: str, port: int, clients: int, megabytes: int, timeout: float):
    """`clients` POSTs to /-/messages, each streaming a body of `megabytes` MB (never held here)."""
    chunk = b"x" * (1 << 20)

    def attack(stop, statuses):
        def client():
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            try:
                connection.putrequest("POST", "/-/messages")
                connection.putheader("Content-Type", "application/x-www-form-urlencoded")
                connection.putheader("Content-Length", str(megabytes * len(chunk)))
                connection.endheaders()
                for _ in range(megabytes):
                    if stop.is_set():
                        break
                    connection.send(chunk)
                statuses[connection.getresponse().status] += 1
            except (OSError, http.client.HTTPException):
                statuses["cut off"] += 1
            finally:
                connection.close()

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout + 5)

    return attack


def _few_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def measure(src: Path, label: str, seconds: float, kill_bytes: int) -> dict:
    results = {}
    timeout = seconds + 5
    attacks = [("none (the cheap page alone)", None, lambda base, port: no_attack)]
    attacks += [
        (name, None, lambda base, port, p=paths, c=clients: http_attack(base, p, c, timeout))
        for name, (paths, clients) in HTTP_ATTACKS.items()
    ]
    attacks.append(
        (
            "300 idle sockets, server limited to 256 descriptors",
            _few_descriptors,
            lambda base, port: idle_sockets_attack(port, 300),
        )
    )
    attacks.append(
        (
            "POST /-/messages with 4 bodies of 250 MB",
            None,
            lambda base, port: bodies_attack("127.0.0.1", port, 4, 250, timeout),
        )
    )
    for name, preexec_fn, make_attack in attacks:
        print(f"  {label}: {name}", file=sys.stderr, flush=True)
        with tempfile.TemporaryFile() as stderr:
            server = Server(src, kill_bytes, preexec_fn=preexec_fn, stderr=stderr)
            try:
                figures = cheap_page_during(server.base, make_attack(server.base, server.port), seconds)
            finally:
                server.stop()
            figures["log_bytes"] = stderr.seek(0, os.SEEK_END)
        figures["peak_rss"], figures["killed"] = server.peak, server.killed
        results[name] = figures
    return {"label": label, "attacks": results}


def _cell(figures: dict) -> str:
    def ms(value):
        return "no answer" if value == float("inf") else f"{value:,.0f}"

    rss = f"{figures['peak_rss'] / 2**20:,.0f} MiB" + (" (killed)" if figures["killed"] else "")
    return f"{rss}; {ms(figures['p50_ms'])} / {ms(figures['p99_ms'])} ms; load {figures['load_average']:.1f}"


def print_results(results: list[dict]) -> None:
    labels = [result["label"] for result in results]
    print("### Each attack: server's peak RSS; cheap page p50 / p99 during it; load average\n")
    print("| attack | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(results))
    for name in results[0]["attacks"]:
        print(f"| {name} | " + " | ".join(_cell(result["attacks"][name]) for result in results) + " |")
    print("\n### Answers to the attack, cheap pages measured, server log\n")
    for result in results:
        for name, figures in result["attacks"].items():
            print(
                f"- {result['label']}, {name}: attack answers {figures['attack_statuses']} (0: no answer); "
                f"{figures['n']} cheap pages; {figures['log_bytes']:,} bytes of server log."
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="a git revision to compare with, or 'none'")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long each attack runs")
    parser.add_argument("--kill-gib", type=float, default=4.0, help="kill a server whose RSS passes this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    kill_bytes = int(args.kill_gib * 2**30)
    results = []
    with tempfile.TemporaryDirectory(prefix="serve-attacks-") as workdir:
        sources = []
        if args.before != "none":
            sources.append((f"before ({args.before})", checkout_src(args.before, Path(workdir))))
        sources.append(("after", ROOT / "src"))
        for label, src in sources:
            print(f"measuring {label}", file=sys.stderr, flush=True)
            results.append(measure(src, label, args.seconds, kill_bytes))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_results(results)


if __name__ == "__main__":
    main()
