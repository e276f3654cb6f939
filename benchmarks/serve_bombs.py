"""How fast `alliance-data serve` refuses memory bombs, on loopback.

Each query asks SQLite for a value of a gigabyte or builds one row by row; the server must
answer it with an error (or SQLite's NULL for an over-long printf) instead of the value. The
tests prove the refusal (tests/test_serve_safety.py); this measures how long it takes, bounded:
a fixed number of rounds, then it stops.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BOMBS = {
    "zeroblob": "select zeroblob(1000000000) as x",
    "randomblob": "select randomblob(1000000000) as x",
    "printf": "select printf('%.*c', 1000000000, 'x') as x",
    "replace": "select replace(hex(zeroblob(10000000)), '00', 'aaaaaaaaaaaaaaaaaaaa') as x",
    "group_concat": "with recursive r(i) as (select 1 union all select i + 1 from r where i < 100000000) "
    "select length(group_concat(printf('%.100c', 'x'))) as x from r",
}


def timed_bomb(base: str, query: str, timeout: float = 120) -> tuple[int, float]:
    """(HTTP status, seconds) of one bomb."""
    url = base + "/alliance.json?" + urllib.parse.urlencode({"sql": query, "_shape": "objects"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return status, time.perf_counter() - started


def machine() -> str:
    import os
    import platform
    from pathlib import Path

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{os.cpu_count()} cores, {cpu}"


def main() -> None:
    import argparse
    import subprocess
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="requests per bomb")
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()
    sys.path.insert(0, "tests")
    from conftest import free_port

    port = free_port()
    command = [sys.executable, "-m", "alliance_data.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        seconds = {name: [] for name in BOMBS}
        statuses = {name: set() for name in BOMBS}
        for _ in range(arguments.rounds):
            for name, query in BOMBS.items():
                status, elapsed = timed_bomb(base, query)
                seconds[name].append(elapsed)
                statuses[name].add(status)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "rounds": arguments.rounds,
        "seconds": {
            name: {"median": statistics.median(v), "max": max(v), "statuses": sorted(statuses[name])}
            for name, v in seconds.items()
        },
    }
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"{arguments.rounds} rounds of each bomb, one at a time, on an otherwise idle server ({machine()}).\n")
    print("| bomb | status | median s | max s |\n|---|---|---:|---:|")
    for name, figures in result["seconds"].items():
        codes = ", ".join(map(str, figures["statuses"]))
        print(f"| {name} | {codes} | {figures['median']:.2f} | {figures['max']:.2f} |")


if __name__ == "__main__":
    main()
