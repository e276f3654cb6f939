"""Run every benchmark and write docs/benchmarks.md with the machine described.

    python -m benchmarks                    # everything, full sizes (about 20 minutes here)
    python -m benchmarks --only peer,cold   # re-run some; the others keep their stored results
    python -m benchmarks --quick            # tiny sizes, to check that the runner works

Each benchmark runs as its own process and leaves its result in benchmarks/results/<name>.json
(numbers) and <name>.md (its table). The page is rebuilt from all stored results, with each
target and whether it is met, then the hand-written analysis in benchmarks/NOTES.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PAGE = ROOT / "docs" / "benchmarks.md"
NOTES = HERE / "NOTES.md"


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    writes_json: bool = True


BENCHMARKS = (
    Benchmark("cold", "Cold start", ("benchmarks.cold_start",), ("benchmarks.cold_start", "--runs", "3")),
    Benchmark(
        "install",
        "Installing: the base and each extra",
        ("benchmarks.install",),
        ("benchmarks.install", "--extras", "polars", "--runs", "3"),
    ),
    Benchmark(
        "pipeline",
        "Validation and export at scale (synthetic corpus)",
        (
            "benchmarks.pipeline",
            "--sizes",
            "10000,100000,1000000",
            "--yaml-size",
            "10000",
            "--rules-sizes",
            "100000,1000000",
            "--profile-size",
            "100000",
        ),
        ("benchmarks.pipeline", "--sizes", "2000,4000", "--yaml-size", "1000"),
    ),
    Benchmark(
        "build_sides",
        "The build at a million claims, old code beside new, and its floor",
        ("benchmarks.build_sides", "--size", "1000000", "--rounds", "3"),
        ("benchmarks.build_sides", "--size", "2000", "--rounds", "1", "--before", "none"),
    ),
    Benchmark(
        "validate",
        "A curator's validate of the curated data, old code beside new",
        ("benchmarks.validate_curated", "--plain-venv", ".venv-bench-plain"),
        ("benchmarks.validate_curated", "--runs", "1", "--before", "none"),
    ),
    Benchmark("peer", "Against a peer: frictionless", ("benchmarks.peer",), ("benchmarks.peer", "--size", "2000")),
    Benchmark(
        "sqlite",
        "Where the SQLite export spends its time",
        ("benchmarks.sqlite_floor",),
        ("benchmarks.sqlite_floor", "--size", "2000"),
        writes_json=False,
    ),
    Benchmark(
        "bad_records",
        "A file of bad records",
        ("benchmarks.bad_records",),
        ("benchmarks.bad_records", "--records", "0,1000"),
    ),
    Benchmark(
        "serve",
        "Serving the dataset, old code beside new",
        ("benchmarks.serve_load",),
        ("benchmarks.serve_load", "--requests", "5", "--rounds", "1", "--before", "none"),
    ),
    Benchmark(
        "serve_bombs", "Refusing memory bombs", ("benchmarks.serve_bombs",), ("benchmarks.serve_bombs", "--rounds", "1")
    ),
    Benchmark(
        "serve_scale",
        "Serving a million claims",
        ("benchmarks.serve_scale", "--size", "1000000", "--requests", "100"),
        ("benchmarks.serve_scale", "--size", "2000", "--requests", "5", "--rounds", "1", "--before", "none"),
    ),
    Benchmark(
        "serve_hostile",
        "The server under hostile load, before and after",
        ("benchmarks.serve_hostile",),
        (
            "benchmarks.serve_hostile",
            "--before",
            "none",
            "--requests",
            "5",
            "--flood-clients",
            "2",
            "--flood-rounds",
            "1",
        ),
    ),
    Benchmark(
        "serve_attacks",
        "The server's budget under each attack, before and after",
        ("benchmarks.serve_attacks",),
        ("benchmarks.serve_attacks", "--before", "none", "--seconds", "2"),
    ),
    Benchmark(
        "spark",
        "The same rules on Spark",
        ("benchmarks.spark", "--sizes", "100000,1000000"),
        ("benchmarks.spark", "--sizes", "2000", "--no-write"),
    ),
)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    packages = ", ".join(f"{name} {version(name)}" for name in ("pandas", "pyarrow", "pandera", "datasette", "pyspark"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kib / 2**20:.0f} GiB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {packages} (the locked environment of `requirements.lock`)."
    )


def run(benchmark: Benchmark, quick: bool) -> None:
    RESULTS.mkdir(exist_ok=True)
    argv = list(benchmark.quick if quick else benchmark.full)
    with tempfile.TemporaryDirectory() as directory:
        result_json = Path(directory) / "result.json"
        if benchmark.writes_json:
            argv += ["--json", str(result_json)]
        print(f"$ python -m {' '.join(argv)}", file=sys.stderr, flush=True)
        completed = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True)
        if completed.returncode != 0:
            raise SystemExit(f"{benchmark.name} failed:\n{completed.stderr[-3000:]}")
        (RESULTS / f"{benchmark.name}.md").write_text(completed.stdout, encoding="utf-8")
        if benchmark.writes_json:
            data = json.loads(result_json.read_text(encoding="utf-8"))
            (RESULTS / f"{benchmark.name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _verdict(met: bool) -> str:
    return "**met**" if met else "**missed**"


def targets() -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for every target the stored results can decide."""
    rows = []
    cold = _load("cold")
    if cold:
        rows.append(("cold start ≤ 1.10 × the floor", f"{cold['ratio']:.3f} ×", _verdict(cold["ratio"] <= 1.10)))
    install = _load("install")
    if install:
        ratio = install["cold_start"]["ratio"]
        rows.append(("cold start in the base install ≤ 1.10 × the floor", f"{ratio:.3f} ×", _verdict(ratio <= 1.10)))
    pipeline = _load("pipeline")
    if pipeline:
        steps = {result["size"]: result for result in pipeline["steps"] if "build" in result}
        if 1_000_000 in steps:
            big = steps[1_000_000]
            total = big["build"]
            rows.append(("1M claims validated and exported in ≤ 30 s", f"{total:.1f} s", _verdict(total <= 30)))
            memory = big["peak_pss_build_mib"] / 1024
            rows.append(("peak memory at 1M ≤ 4 GiB (all processes, PSS)", f"{memory:.2f} GiB", _verdict(memory <= 4)))
            if 10_000 in steps:
                small = steps[10_000]
                ratio = (total / 1_000_000) / (small["build"] / 10_000)
                rows.append(("cost per claim at 1M ≤ 1.5 × at 10k", f"{ratio:.2f} ×", _verdict(ratio <= 1.5)))
    sided = _load("build_sides")
    if sided:
        medians = sided["median_build"]
        this, baseline = medians.get("this checkout"), medians.get("fa23be2")
        size = f"{sided['size']:,}"
        if this and baseline:
            ratio = this / baseline
            rows.append(
                (
                    f"build of {size} claims ≤ 0.5 × fa23be2's, side by side",
                    f"{ratio:.2f} × ({this:.1f} s ÷ {baseline:.1f} s)",
                    _verdict(ratio <= 0.5),
                )
            )
            rows.append((f"build of {size} claims no slower than fa23be2", f"{ratio:.2f} ×", _verdict(ratio <= 1)))
        ours = [run for run in sided.get("memory", []) if run["side"] == "this checkout"]
        if ours:
            peak = max(run["peak_pss_build_mib"] for run in ours) / 1024
            rows.append((f"peak memory of the build at {size} ≤ 3 GiB (PSS)", f"{peak:.2f} GiB", _verdict(peak <= 3)))
        if this and sided.get("floor"):
            rows.append(("build ÷ its floor (reported)", f"{this / sided['floor']:.2f} ×", ""))
    validate = _load("validate")
    if validate:
        spark_imported = "imports pyspark" if validate["imports_pyspark"] else "no pyspark"
        rows.append(
            (
                "a curator's validate ≤ 1.2 s (median wall time, plain install), importing nothing of Spark",
                f"{validate['median_s']:.2f} s, {spark_imported}",
                _verdict(validate["median_s"] <= 1.2 and not validate["imports_pyspark"]),
            )
        )
    spark = _load("spark")
    big = next((result for result in (spark or []) if result["claims"] == 1_000_000), None)
    if big:
        ratio = big["spark"] / big["single"]
        rows.append(("Spark (`local[2]`) ≤ 10 × one machine at 1M claims", f"{ratio:.1f} ×", _verdict(ratio <= 10)))
        rows.append(
            (
                "Spark and one machine give the same problems on every mutation kind",
                f"{big['corrupted_keys']} problem keys, {len(big['only_spark']) + len(big['only_single'])} differ",
                _verdict(big["verdict"] == "agree"),
            )
        )
    peer = _load("peer")
    if peer:
        rows.append(
            ("our validation ≥ 10 × faster than frictionless", f"{peer['ratio']:.1f} ×", _verdict(peer["ratio"] >= 10))
        )
    bad = _load("bad_records")
    if bad:
        runs = {run["records"]: run for run in bad["results"]}
        if 0 in runs and 1_000_000 in runs:
            ratio = runs[1_000_000]["peak_rss_mib"] / runs[0]["peak_rss_mib"]
            rows.append(("1M bad records: peak RSS ≤ 1.5 × none", f"{ratio:.2f} ×", _verdict(ratio <= 1.5)))
            lines = runs[1_000_000]["output_lines"]
            rows.append(("1M bad records: ≤ 500 lines printed", f"{lines:,}", _verdict(lines <= 500)))
    for name, label in (("serve", "the dataset"), ("serve_scale", "1M claims")):
        serve = _load(name)
        if not serve:
            continue
        for request, figures in serve["latency_ms"].items():
            rows.append(
                (f"p99 < 100 ms, {label}: {request}", f"{figures['p99']:.0f} ms", _verdict(figures["p99"] < 100))
            )
    hostile = _load("serve_hostile")
    after = next((result for result in hostile or [] if result["label"] == "after"), None)
    if after:
        from .serve_hostile import GIB, response_cap

        peak = after["flood"]["peak_rss"]
        rows.append(
            (
                "peak server RSS through a flood of the worst queries < 1 GiB",
                f"{peak / 2**20:.0f} MiB",
                _verdict(peak < GIB),
            )
        )
        p99 = after["slow"]["p99_ms"]
        rows.append(("cheap page p99 < 250 ms with four slow queries in flight", f"{p99:.0f} ms", _verdict(p99 < 250)))
        largest = max(figures["bytes"] for figures in after["worst"].values())
        rows.append(
            (
                "no response larger than the response cap",
                f"{largest / 2**20:.1f} MiB",
                _verdict(largest <= response_cap()),
            )
        )
    attacked = _load("serve_attacks")
    after = next((result for result in attacked or [] if result["label"] == "after"), None)
    for name, figures in (after or {}).get("attacks", {}).items():
        peak, p99 = figures["peak_rss"], figures["p99_ms"]
        rows.append((f"peak server RSS < 1 GiB, attack: {name}", f"{peak / 2**20:.0f} MiB", _verdict(peak < 2**30)))
        measured = "no answer" if p99 == float("inf") else f"{p99:.0f} ms (load {figures['load_average']:.0f})"
        rows.append((f"cheap page p99 < 250 ms, attack: {name}", measured, _verdict(p99 < 250)))
    return rows


def page() -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m benchmarks` (see `benchmarks/__main__.py`); every number below is",
        "measured, none is a timed unit test. Results of each benchmark are kept in",
        "`benchmarks/results/`.",
        "",
        f"Machine: {machine()}",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | ---: | --- |",
        *(f"| {target} | {measured} | {verdict} |" for target, measured, verdict in targets()),
        "",
    ]
    for benchmark in BENCHMARKS:
        stored = RESULTS / f"{benchmark.name}.md"
        if benchmark.name == "spark" and (HERE / "SPARK.md").exists():
            stored = HERE / "SPARK.md"
        if not stored.exists():
            continue
        text = stored.read_text(encoding="utf-8").strip()
        if text.startswith("# "):
            text = text.split("\n", 1)[1].strip() if "\n" in text else ""
        command = " ".join(benchmark.full)
        lines += [f"## {benchmark.title}", "", f"`python -m {command}`", "", text.replace("\n# ", "\n### "), ""]
    engines = RESULTS / "rule_engines.md"
    if engines.exists():
        # Measured once, to choose how the rules are written; its script is gone (it needed ibis,
        # which is not locked), so only its stored record is shown.
        text = engines.read_text(encoding="utf-8").strip().split("\n", 1)[1].strip()
        lines += [
            "## Choosing how the rules are written: pandera.ibis against failing-rows queries",
            "",
            "`python -m benchmarks.rule_engines --sizes 205 1000000` (a script since removed), run once before "
            "the rules were rewritten: "
            "its prototypes of both designs cover six rules and the claims' columns, and its B prototype "
            "reads whole source texts (the rules as shipped read them in blocks; see the notes below).",
            "",
            text.replace("\n# ", "\n### ").replace("\n## ", "\n### "),
            "",
        ]
    if NOTES.exists():
        lines += [NOTES.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated: " + ", ".join(b.name for b in BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="tiny sizes; results go to --results, not the docs")
    parser.add_argument("--out", type=Path, default=PAGE)
    parser.add_argument("--no-run", action="store_true", help="only rebuild the page from stored results")
    arguments = parser.parse_args()
    global RESULTS
    if arguments.quick:  # never over the measured results or the docs
        RESULTS = Path(tempfile.mkdtemp(prefix="benchmarks-quick-"))
        if arguments.out == PAGE:
            arguments.out = RESULTS / "benchmarks.md"
    chosen = set(arguments.only.split(",")) if arguments.only else {b.name for b in BENCHMARKS}
    unknown = chosen - {b.name for b in BENCHMARKS}
    if unknown:
        raise SystemExit(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    if not arguments.no_run:
        for benchmark in BENCHMARKS:
            if benchmark.name in chosen:
                run(benchmark, arguments.quick)
    arguments.out.write_text(page(), encoding="utf-8")
    print(f"wrote {arguments.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
