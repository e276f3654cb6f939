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


def load_served(argv: list[str], port: int, requests_per_path: int = 200, paths: dict[str, str] | None = None) -> dict:
    """Start a server with `argv` (a Python command line), wait for it, load it, stop it."""
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()
    sys.path.insert(0, "tests")
    from conftest import free_port

    port = free_port()
    command = [sys.executable, "-m", "alliance_data.cli", "serve", "--port", str(port)]
    result = load_served(command, port, arguments.requests)
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print_results(result)


if __name__ == "__main__":
    main()
