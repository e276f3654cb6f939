"""The build of a synthetic corpus by older code beside this checkout's, in the same run.

    python -m benchmarks.build_sides [--size 1000000] [--rounds 2] [--before fa23be2,5aad66b] [--json FILE]

Each side generates its own synthetic corpus with its own generator, once. Then, for --rounds
rounds, the sides take turns building it (`benchmarks/side_worker.py build`: the side's own
`build_dataset` in a fresh process, as `alliance-data build` runs, timed with no memory sampler
running), so a change in the machine's load falls on all of them; each round starts with the
next side, and each run after the disk has taken the previous one's writes; after each round, the floor
(benchmarks.build_floor: the same tables written once, no validation, by the fastest writer)
with this checkout's code. Last, for each side, derive and the table checks timed alone, and the
build's peak memory (PSS of all its processes) sampled in a run of its own. Every side is timed
and sampled by this checkout's worker, so no side's figures carry another harness's cost
(benchmarks/memory.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .sides import BASELINE, MAIN_BEFORE, ROOT, THIS, commit, load_average, sides

WORKER = Path(__file__).resolve().with_name("side_worker.py")
# A pause after `sync` before each run: the writes of the run before are on disk, the machine
# quiet again.
SETTLE_SECONDS = 5


def _environment(side) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join((str(side.src), str(side.root))))


def _result(completed: subprocess.CompletedProcess, what: str) -> dict:
    if completed.returncode == 0:
        for line in completed.stdout.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"{what}: {completed.stderr[-3000:]}")


def make_corpus(side, size: int, workdir: Path) -> Path:
    """The side's own synthetic corpus of `size` claims, stored by its own generator."""
    corpus = workdir / f"corpus-{side.label.replace(' ', '-')}"
    command = [sys.executable, "-m", "benchmarks.pipeline", "--worker", "corpus", "--size", str(size)]
    completed = subprocess.run(
        [*command, "--out", str(corpus)], cwd=side.root, env=_environment(side), capture_output=True, text=True
    )
    _result(completed, f"{side.label}: generating the corpus")
    return corpus


def run_step(side, step: str, corpus: Path, workdir: Path) -> dict:
    """One step of `side_worker.py` on the side's corpus, in a fresh process; its result, with
    the load average when it started."""
    with tempfile.TemporaryDirectory(dir=workdir) as out:
        # What the previous run wrote (a gigabyte or two) goes to disk before this one starts.
        os.sync()
        time.sleep(SETTLE_SECONDS)
        load = load_average()
        completed = subprocess.run(
            [sys.executable, str(WORKER), step, "--corpus", str(corpus), "--out", out],
            cwd=side.root,
            env=_environment(side),
            capture_output=True,
            text=True,
            timeout=7200,
        )
        return {"side": side.label, "commit": commit(side.label), "load": load, **_result(completed, side.label)}


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
    runs, floors, alone, memory = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="build-sides-") as directory:
        workdir = Path(directory)
        found = sides([*before, THIS], workdir, ("src", "benchmarks"))
        corpora = {}
        for side in found:
            print(f"generating {arguments.size:,} claims with {side.label}", file=sys.stderr, flush=True)
            corpora[side.label] = make_corpus(side, arguments.size, workdir)
        for number in range(arguments.rounds):
            # Each round starts with the next side: a side that always followed the slowest one
            # (5aad66b, three times as long) started every run behind its writes.
            for side in found[number % len(found) :] + found[: number % len(found)]:
                print(f"building {arguments.size:,} claims with {side.label}", file=sys.stderr, flush=True)
                runs.append(run_step(side, "build", corpora[side.label], workdir))
            print(f"writing {arguments.size:,} claims with no validation (the floor)", file=sys.stderr, flush=True)
            floors.append(run_floor(arguments.size, workdir))
        for side in found:
            print(f"derive and checks alone, then the build's memory, with {side.label}", file=sys.stderr, flush=True)
            alone.append(run_step(side, "steps", corpora[side.label], workdir))
            memory.append(run_step(side, "memory", corpora[side.label], workdir))
    this = statistics.median(run["build"] for run in runs if run["side"] == THIS)
    print(f"{arguments.size:,} synthetic claims, each side on its own corpus; the sides took turns.\n")
    print("| side | commit | load average | build |\n| --- | --- | ---: | ---: |")
    for run in runs:
        print(f"| {run['side']} | {run['commit']} | {run['load']:.1f} | {run['build']:.1f} s |")
    print("\n| side | median build | ÷ this checkout |\n| --- | ---: | ---: |")
    medians = {}
    for side in dict.fromkeys(run["side"] for run in runs):
        medians[side] = statistics.median(run["build"] for run in runs if run["side"] == side)
        print(f"| {side} | {medians[side]:.1f} s | {medians[side] / this:.2f} |")
    print(
        "\n| side | derive alone | table checks alone | rows | peak memory of the build (PSS, all processes) |"
        "\n| --- | ---: | ---: | ---: | ---: |"
    )
    for steps, sampled in zip(alone, memory, strict=True):
        print(
            f"| {steps['side']} | {steps['derive']:.1f} s | {steps['validate']:.1f} s | "
            f"{sum(steps['rows'].values()):,} | {_gib(sampled['peak_pss_build_mib'])} |"
        )
    floor = statistics.median(found["floor"] for found in floors)
    print("\n| the floor: same tables written once, no validation | load average | seconds |\n| --- | ---: | ---: |")
    for found in floors:
        for label, value in found["seconds"].items():
            print(f"| {label} | {found['load']:.1f} | {value:.1f} |")
    print(f"\nBuild ÷ floor (medians, this checkout): {this:.1f} s ÷ {floor:.1f} s = {this / floor:.2f}.")
    if arguments.json:
        result = {
            "size": arguments.size,
            "runs": runs,
            "median_build": medians,
            "alone": alone,
            "memory": memory,
            "floors": floors,
            "floor": floor,
        }
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
