"""The build of a synthetic corpus by older code beside this checkout's, in the same run.

    python -m benchmarks.build_sides [--size 1000000] [--rounds 2] [--before fa23be2,5aad66b] [--json FILE]

Each side runs its own `python -m benchmarks.pipeline --sizes SIZE --yaml-size 0` (its own
code, on its own synthetic corpus, in a fresh process tree), the sides taking turns for
--rounds rounds, so a change in the machine's load falls on all of them; after each round, the
floor (benchmarks.build_floor: the same tables written once, no validation, by the fastest
writer) with this checkout's code. Reported for each run:
the build's wall time (validation with the SQLite load alongside, Parquet, CSV), derive and the
table checks timed alone before it, the peak memory of all the build's processes (PSS), and the
load average when it started.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .sides import BASELINE, MAIN_BEFORE, ROOT, THIS, commit, load_average, sides


def run_side(side, size: int, workdir: Path) -> dict:
    out = workdir / f"result-{side.label.replace(' ', '-')}.json"
    command = [sys.executable, "-m", "benchmarks.pipeline", "--sizes", str(size), "--yaml-size", "0"]
    load = load_average()
    completed = subprocess.run(
        [*command, "--json", str(out)], cwd=side.root, env=side.env(), capture_output=True, text=True, timeout=7200
    )
    if completed.returncode != 0:
        raise SystemExit(f"{side.label}: {completed.stderr[-3000:]}")
    raw = json.loads(out.read_text(encoding="utf-8"))
    steps = raw["steps"] if isinstance(raw, dict) else raw
    step = next(result for result in steps if result.get("size") == size and "build" in result)
    return {
        "side": side.label,
        "commit": commit(side.label),
        "load": load,
        "build": step["build"],
        "derive": step.get("derive"),
        "validate": step.get("validate"),
        "peak_pss_all_mib": step.get("peak_pss_all_mib"),
        # The build alone (older sides' harness measured only the peak over every step).
        "peak_pss_build_mib": step.get("peak_pss_build_mib"),
        "rows": sum(step.get("rows", {}).values()),
    }


def _gib(mib: float | None) -> str:
    return "–" if mib is None else f"{mib / 1024:.2f} GiB"


def run_floor(size: int, workdir: Path) -> dict:
    out = workdir / "floor.json"
    command = [sys.executable, "-m", "benchmarks.build_floor", "--size", str(size), "--json", str(out)]
    load = load_average()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=7200)
    if completed.returncode != 0:
        raise SystemExit(f"floor: {completed.stderr[-3000:]}")
    return {"load": load, **json.loads(out.read_text(encoding="utf-8"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before", default=f"{BASELINE},{MAIN_BEFORE}", help="revisions beside this checkout")
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    before = [] if arguments.before == "none" else arguments.before.split(",")
    runs, floors = [], []
    with tempfile.TemporaryDirectory(prefix="build-sides-") as directory:
        workdir = Path(directory)
        found = sides([*before, THIS], workdir, ("src", "benchmarks"))
        for _ in range(arguments.rounds):
            for side in found:
                print(f"building {arguments.size:,} claims with {side.label}", file=sys.stderr, flush=True)
                runs.append(run_side(side, arguments.size, workdir))
            print(f"writing {arguments.size:,} claims with no validation (the floor)", file=sys.stderr, flush=True)
            floors.append(run_floor(arguments.size, workdir))
    this = statistics.median(run["build"] for run in runs if run["side"] == THIS)
    print(f"{arguments.size:,} synthetic claims, each side on its own corpus; the sides took turns.\n")
    print(
        "| side | commit | load average | build | derive alone | table checks alone | peak PSS, every step "
        "| peak PSS, the build alone | rows |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        checks = f"{run['validate']:.1f} s" if run["validate"] is not None else "–"
        print(
            f"| {run['side']} | {run['commit']} | {run['load']:.1f} | {run['build']:.1f} s | {run['derive']:.1f} s | "
            f"{checks} | {run['peak_pss_all_mib'] / 1024:.2f} GiB | {_gib(run.get('peak_pss_build_mib'))} | "
            f"{run['rows']:,} |"
        )
    print("\n| side | median build | ÷ this checkout |\n| --- | ---: | ---: |")
    medians = {}
    for side in dict.fromkeys(run["side"] for run in runs):
        medians[side] = statistics.median(run["build"] for run in runs if run["side"] == side)
        print(f"| {side} | {medians[side]:.1f} s | {medians[side] / this:.2f} |")
    floor = statistics.median(found["floor"] for found in floors)
    print("\n| the floor: same tables written once, no validation | load average | seconds |\n| --- | ---: | ---: |")
    for found in floors:
        for label, value in found["seconds"].items():
            print(f"| {label} | {found['load']:.1f} | {value:.1f} |")
    print(f"\nBuild ÷ floor (medians, this checkout): {this:.1f} s ÷ {floor:.1f} s = {this / floor:.2f}.")
    if arguments.json:
        result = {"size": arguments.size, "runs": runs, "median_build": medians, "floors": floors, "floor": floor}
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
