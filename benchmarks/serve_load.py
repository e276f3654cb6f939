"""A bounded load test of `alliance-data serve` on loopback.

A fixed number of requests per path, a few concurrent clients, then it stops. Latency
figures are written to docs/benchmarks.md by `python -m benchmarks.serve_load`; the tests
only check that no request fails.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .sides import MAIN_BEFORE

PATHS = {
    "table page (claims, default facets)": "/alliance/claims",
    "row page": "/alliance/claims/irda-s3-004",
    "foreign-key filter": "/alliance/claims.json?topic_id=area-energy",
    "FTS top-N": "/alliance/claims.json?_search=sanctions&_size=10",
    "facet": "/alliance/claims.json?_facet=certainty&_size=0",
    "canned query": "/alliance/actor_pair_counts.json",
    "article page": "/article/irda",
    "source text": "/-/source/irda.txt",
    "search (canned, ranked, highlighted)": "/alliance/search_claims?q=sanctions",
    "canned query page (HTML, actor chosen)": "/alliance/claims_by_actor?actor_id=RUS",
}


def _timed(url: str) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            ok = response.status == 200
    except OSError:
        ok = False
    return ok, time.perf_counter() - started


def run_load(base: str, requests_per_path: int = 200, clients: int = 4, paths: dict[str, str] | None = None) -> dict:
    paths = paths or PATHS
    results: dict[str, list[float]] = {}
    failures = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for name, path in paths.items():
            outcomes = list(pool.map(_timed, [base + path] * requests_per_path))
            failures += sum(not ok for ok, _ in outcomes)
            results[name] = [seconds for _, seconds in outcomes]
    elapsed = time.perf_counter() - started
    return {
        "paths": list(paths),
        "requests": sum(len(v) for v in results.values()),
        "failures": failures,
        "seconds": elapsed,
        "latency_ms": {
            name: {
                "p50": statistics.median(v) * 1000,
                "p99": sorted(v)[max(0, int(len(v) * 0.99) - 1)] * 1000,
                "rps": len(v) / sum(v) * clients,
            }
            for name, v in results.items()
        },
    }


def load_served(
    argv: list[str], port: int, requests_per_path: int = 200, paths: dict[str, str] | None = None, env=None
) -> dict:
    """Start a server with `argv` (a Python command line), wait for it, load it, stop it."""
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        return run_load(base, requests_per_path, 4, paths)
    finally:
        server.terminate()
        server.wait()


def load_sides(
    command_for, revisions: list[str], rounds: int, requests_per_path: int, paths: dict[str, str] | None = None
) -> list[dict]:
    """`load_served` for each revision's code (benchmarks.sides), a fresh server each time, the
    sides taking turns for `rounds` rounds. `command_for(side, port)` is the server's command line.
    One result per side and round, with the load average before it."""
    import tempfile
    from pathlib import Path

    from .sides import commit, load_average, sides

    sys.path.insert(0, "tests")
    from conftest import free_port

    results = []
    with tempfile.TemporaryDirectory(prefix="serve-sides-") as workdir:
        found = sides(revisions, Path(workdir), ("src",))
        for number in range(rounds):
            for side in found:
                port = free_port()
                load = load_average()
                argv, env = command_for(side, port)
                result = load_served(argv, port, requests_per_path, paths, env)
                results.append({"side": side.label, "commit": commit(side.label), "round": number + 1, "load": load})
                results[-1].update(result)
    return results


def print_sides(results: list[dict]) -> None:
    """p99 (p50) of each path, a column per side and round."""
    heads = [f"{r['side']} ({r['commit']}), round {r['round']}, load {r['load']:.1f}" for r in results]
    print("p99 ms (p50 ms), 4 clients; each column a fresh server.\n")
    print("| request | " + " | ".join(heads) + " |")
    print("| --- |" + " ---: |" * len(heads))
    for name in results[0]["latency_ms"]:
        figures = [r["latency_ms"].get(name) for r in results]
        cells = [f"{f['p99']:.0f} ({f['p50']:.0f})" if f else "" for f in figures]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("Failures: " + ", ".join(f"{r['side']} round {r['round']}: {r['failures']}" for r in results))


def print_results(result: dict) -> None:
    print(f"{result['requests']} requests, {result['failures']} failures, {result['seconds']:.1f} s")
    print("| request | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|")
    for name, figures in result["latency_ms"].items():
        print(f"| {name} | {figures['p50']:.1f} | {figures['p99']:.1f} | {figures['rps']:.0f} |")


def main() -> None:
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per path")
    parser.add_argument("--before", default=MAIN_BEFORE, help="revisions to serve beside this checkout, or 'none'")
    parser.add_argument("--rounds", type=int, default=2, help="times each side is loaded, taking turns")
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()
    from .sides import THIS

    def command_for(side, port):
        # Each side serves the packaged database of its own commit.
        return [sys.executable, "-m", "alliance_data.cli", "serve", "--port", str(port)], side.env()

    before = [] if arguments.before == "none" else arguments.before.split(",")
    results = load_sides(command_for, [*before, THIS], arguments.rounds, arguments.requests)
    this = [r for r in results if r["side"] == THIS]
    # The targets read the last round of this checkout; every column is on the page.
    summary = {**this[-1], "sides": results}
    if arguments.json:
        arguments.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print_sides(results)


if __name__ == "__main__":
    main()
