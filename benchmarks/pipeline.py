"""Timing of validation and export on synthetic corpora of growing size.

    python -m benchmarks.pipeline [--sizes 10000,100000,1000000] [--yaml-size 10000]
                                  [--validate-timeout 600] [--profile-size 100000]

Each size runs in a fresh subprocess (so ru_maxrss peaks are separate). Per size, a corpus is
generated and stored column-wise (one Parquet file per table, rows in authored order) by yet
another process, so neither generation nor its memory is counted. Measured alone:
`derive.derive` (hedge_cues, certainty_cues, actor_pairs) and the table-level validation
(`rules.check_tables`). Then the build itself, `build.build_dataset`: validation (derive and
check, telling the SQLite writer each table as it becomes final, so the database loads in forked
processes meanwhile), the published Arrow tables (`build.published_tables`: sorted by key,
enumerations encoded), Parquet and CSV in this process, the manifest, the atomic swap.
Validation is stopped after --validate-timeout seconds; a size whose validation the previous
sizes predict to take longer than that is not validated but estimated.
The curators' path (YAML through pydantic, `validate(dir)`) is timed at --yaml-size claims.
With --profile-size, that size is run once more under cProfile and the top functions are
written to benchmarks/PROFILE.md.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import json
import math
import pstats
import resource
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .memory import MemorySampler

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROFILE_FILE = HERE / "PROFILE.md"


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    def expire(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def code_fingerprint() -> str:
    """A short hash of the package's source: the numbers belong to this version of src/."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "alliance_data").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_corpus(size: int, directory: Path) -> dict[str, Any]:
    """Generate a corpus of `size` claims and store it column-wise: one Parquet file per table,
    rows in authored order, enumerations as text, plus the source texts. This is the input of
    the measured steps; it is made in its own process so its memory is not counted."""
    import pyarrow.parquet as pq

    from alliance_data.codebook.registry import TABLES
    from alliance_data.synthetic import generate

    started = time.perf_counter()
    dataset = generate(size)
    seconds = time.perf_counter() - started
    directory.mkdir(parents=True, exist_ok=True)
    for spec in TABLES:  # actor_pairs empty: it is derived by the measured steps
        pq.write_table(dataset.table(spec.name), directory / f"{spec.name}.parquet")
    (directory / "texts.json").write_text(json.dumps(dataset.texts), encoding="utf-8")
    return {"generate": seconds, "rows": {spec.name: dataset.table(spec.name).num_rows for spec in TABLES}}


def read_corpus(directory: Path):
    """The corpus `write_corpus` stored, as a column-wise Dataset (no rows, no origins)."""
    import pyarrow.parquet as pq

    from alliance_data.curation.reading import Dataset

    tables = {path.stem: pq.read_table(path) for path in sorted(directory.glob("*.parquet"))}
    texts = json.loads((directory / "texts.json").read_text(encoding="utf-8"))
    return Dataset(directory, tables, {}, texts, {})


def _steps(
    corpus_dir: Path,
    validate_timeout: float,
    validate: bool,
    out_dir: Path,
    profiler: cProfile.Profile | None = None,
    export: bool = True,
) -> dict[str, Any]:
    """Run every step once on a stored corpus; seconds per step, peak memory, problem count.
    A given profiler is enabled after the corpus is read (which is not measured)."""
    from alliance_data.build.pipeline import build_dataset
    from alliance_data.curation.derive import derive
    from alliance_data.problems import ProblemList
    from alliance_data.rules import check_tables

    result: dict[str, Any] = {}
    started = time.perf_counter()
    dataset = read_corpus(corpus_dir)
    result["read_corpus"] = time.perf_counter() - started
    result["peak_after_read_mib"] = _peak_mib()

    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    derive(dataset)
    result["derive"] = time.perf_counter() - started
    result["rows"] = {name: table.num_rows for name, table in dataset.tables.items()}

    if validate:
        # The table checks alone, one process: what the build overlaps with the SQLite load.
        problems = ProblemList()
        started = time.perf_counter()
        try:
            with _time_limit(validate_timeout):
                check_tables(dataset, problems)
            result["validate"] = time.perf_counter() - started
            result["problems"] = problems.total
        except _Timeout:
            result["validate"] = None
            result["validate_timeout"] = validate_timeout

    if not export or not validate or result.get("validate") is None:
        return result
    # The build itself, on the corpus as read: SQLite loads in forked processes, each part as
    # soon as its tables are final, while this one validates, publishes, writes Parquet and CSV.
    del dataset
    # What the steps timed alone above left in the allocators is not the build's memory.
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    dataset = read_corpus(corpus_dir)
    marks: dict[str, float] = {}
    started = time.perf_counter()
    build_dataset(
        dataset, ProblemList(), out_dir / "build", on_step=lambda step: marks.setdefault(step, time.perf_counter())
    )
    finished = time.perf_counter()
    result["build"] = finished - started
    first_file = min(
        (t for step, t in marks.items() if step.startswith("writing ") and "SQLite" not in step), default=finished
    )
    files_done = marks.get("writing the SQLite database", finished)
    result["build_validate"] = marks.get("publishing", started) - started
    result["build_publish"] = first_file - marks.get("publishing", started)
    result["build_files"] = files_done - first_file
    result["build_sqlite_wait"] = finished - files_done
    result["bytes"] = {path.name: path.stat().st_size for path in (out_dir / "build").iterdir()}
    result["peak_mib"] = _peak_mib()
    result["peak_sqlite_process_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def _build_memory(corpus_dir: Path, out_dir: Path) -> dict[str, Any]:
    """The peak memory (PSS, all processes) of a build of the stored corpus, in a process of
    its own: sampling slows what it samples, so `_steps` times the build with no sampler."""
    from alliance_data.build.pipeline import build_dataset
    from alliance_data.problems import ProblemList

    dataset = read_corpus(corpus_dir)
    memory = MemorySampler()
    build_dataset(dataset, ProblemList(), out_dir / "build")
    return {"peak_pss_build_mib": memory.stop()}


def _result_of(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError("the worker printed no result")


def _curators(size: int) -> dict[str, Any]:
    """validate(dir) on an authored YAML directory; read_dataset (YAML + pydantic) timed apart too."""
    from alliance_data.curation.reading import read_dataset
    from alliance_data.curation.validate import validate
    from alliance_data.problems import ProblemList
    from alliance_data.synthetic import generate, write_data_dir

    result: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory() as directory:
        write_data_dir(generate(size), directory)
        result["yaml_bytes"] = sum(path.stat().st_size for path in Path(directory).rglob("*.yaml"))
        started = time.perf_counter()
        dataset = validate(directory)
        result["validate_dir"] = time.perf_counter() - started
        result["claims"] = dataset.table("claims").num_rows
        del dataset
        problems = ProblemList()
        started = time.perf_counter()
        read_dataset(Path(directory), problems)
        result["read_dataset"] = time.perf_counter() - started
        result["read_problems"] = problems.total
    result["peak_mib"] = _peak_mib()
    return result


def _rules(size: int) -> dict[str, Any]:
    """Seconds of each table's column scan, and of each rule's query alone (in DuckDB)."""
    from alliance_data.codebook.registry import CHECKED_TABLES
    from alliance_data.rules import RULES
    from alliance_data.rules.local import columns_pass, failing_rows, rule_connection
    from alliance_data.synthetic import derive, generate

    dataset = generate(size)
    derive(dataset)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with rule_connection(dataset) as (connection, _):
        seconds["rules' input tables (texts in blocks, relations)"] = time.perf_counter() - started
        for table in CHECKED_TABLES:
            started = time.perf_counter()
            columns_pass(connection, table, dataset.table(table.name))
            seconds[f"columns of {table.name} (scan: nulls, enums, patterns, lengths, key)"] = (
                time.perf_counter() - started
            )
        for rule in RULES:
            started = time.perf_counter()
            failing_rows(connection, rule)
            key = f"rule {rule.check} ({rule.table})"
            seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started
    return {"size": size, "seconds": seconds}


def _profile(size: int, corpus: Path, validate_timeout: float, export: bool = True, top: int = 30) -> str:
    """The steps at `size` under cProfile; Markdown with the top functions by cumulative time."""
    importlib.import_module("alliance_data.build.pipeline")  # imports are not what is measured

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as directory:
        try:
            result = _steps(corpus, validate_timeout, True, Path(directory), profiler, export)
        finally:
            profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative")
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        where = file.replace(str(ROOT) + "/", "")
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1]
        rows.append((cumulative, own, calls, f"{where}:{line}({function})"))
    lines = [
        f"### {'All steps' if export else 'Validation (derive + check_tables)'} at {size:,} claims\n\n"
        f"Profile of `python -m benchmarks.pipeline` steps after generation at {size:,} claims under cProfile "
        f"(validation stopped after {validate_timeout:.0f} s: "
        f"{'it finished' if result.get('validate') is not None else 'it did not finish'}).",
        "",
        "Step seconds under the profiler: "
        + ", ".join(
            f"{key} {result[key]:.1f}"
            for key in ("derive", "validate", "publish", "parquet_csv", "export")
            if result.get(key) is not None
        ),
        "",
        f"Top {top} by cumulative time (pandera's own call layers left out):",
        "",
        "| cumulative s | own s | calls | function |",
        "| ---: | ---: | ---: | --- |",
    ]
    skip = ("<frozen", "benchmarks/pipeline.py", "pandera/api/", "pandera/backends/", "pandera/validation_depth")
    shown = 0
    for cumulative, own, calls, name in sorted(rows, reverse=True):
        if name.startswith("~") or any(part in name for part in skip):
            continue
        lines.append(f"| {cumulative:.1f} | {own:.1f} | {calls:,} | `{name}` |")
        shown += 1
        if shown == top:
            break
    lines += ["", f"Top {top // 2} by own time:", "", "| own s | cumulative s | calls | function |"]
    lines.append("| ---: | ---: | ---: | --- |")
    for cumulative, own, calls, name in sorted(rows, key=lambda row: row[1], reverse=True)[: top // 2]:
        lines.append(f"| {own:.1f} | {cumulative:.1f} | {calls:,} | `{name}` |")
    return "\n".join(lines) + "\n"


def _warm_up() -> None:
    """The first validation imports DuckDB and builds its caches: not what is measured."""
    from alliance_data.problems import ProblemList
    from alliance_data.rules import check_tables
    from alliance_data.synthetic import derive, generate

    dataset = generate(20)
    derive(dataset)
    check_tables(dataset, ProblemList())


def _worker(arguments: argparse.Namespace) -> None:
    fingerprint = code_fingerprint()
    if arguments.worker == "corpus":
        print("RESULT " + json.dumps(write_corpus(arguments.size, arguments.out)))
        return
    _warm_up()
    if arguments.worker == "steps":
        with tempfile.TemporaryDirectory() as directory:
            result = _steps(arguments.corpus, arguments.validate_timeout, not arguments.no_validate, Path(directory))
    elif arguments.worker == "memory":
        with tempfile.TemporaryDirectory() as directory:
            result = _build_memory(arguments.corpus, Path(directory))
    elif arguments.worker == "curators":
        result = _curators(arguments.size)
    elif arguments.worker == "rules":
        result = _rules(arguments.size)
    else:
        result = {
            "markdown": _profile(arguments.size, arguments.corpus, arguments.validate_timeout, not arguments.no_export)
        }
    if fingerprint != code_fingerprint():
        result["warning"] = "src/alliance_data changed while this worker ran"
    result["code"] = fingerprint
    print("RESULT " + json.dumps(result))


def _run_on_corpus(kind: str, size: int, *extra: str, limit: float = 3600) -> dict[str, Any]:
    """Generate and store a corpus of `size` claims in one process, then run `kind` on it in
    another: the generator's memory is not the measured process's."""
    with tempfile.TemporaryDirectory() as directory:
        corpus = _run("corpus", size, "--out", directory)
        result = _run(kind, size, "--corpus", directory, *extra, limit=limit)
        if kind == "steps" and "build" in result:
            result.update(_run("memory", size, "--corpus", directory, limit=limit))
    return {
        "size": size,
        "generate": corpus["generate"],
        **result,
        "rows": {**corpus["rows"], **result.get("rows", {})},
    }


def _run(kind: str, size: int, *extra: str, limit: float = 3600) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.pipeline", "--worker", kind, "--size", str(size), *extra]
    print("$", " ".join(command[1:]), file=sys.stderr, flush=True)
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=limit)
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            print("  ", {k: v for k, v in result.items() if k not in ("rows", "bytes", "markdown")}, file=sys.stderr)
            return result
    raise RuntimeError(f"{kind} at {size} failed:\n{completed.stderr[-3000:]}")


def _estimate(size: int, measured: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Validation seconds at `size` from the two largest measured sizes (power law), and its exponent."""
    if len(measured) < 2:
        return None
    (n1, t1), (n2, t2) = measured[-2:]
    exponent = math.log(t2 / t1) / math.log(n2 / n1)
    return t2 * (size / n2) ** exponent, exponent


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--yaml-size", type=int, default=10_000, help="claims for the curators' path; 0 skips it")
    parser.add_argument("--validate-timeout", type=float, default=600.0)
    parser.add_argument("--profile-size", type=int, default=0, help="run this size under cProfile too")
    parser.add_argument(
        "--profile-validate-size", type=int, default=0, help="profile the validation alone (no export) at this size"
    )
    parser.add_argument("--profile-validate-timeout", type=float, default=300.0)
    parser.add_argument("--rules-sizes", default="", help="time each rule alone at these sizes (into PROFILE.md)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    workers = ("corpus", "steps", "memory", "curators", "rules", "profile")
    parser.add_argument("--worker", choices=workers, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-validate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-export", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        _worker(arguments)
        return

    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    results, measured, stopped = [], [], False
    for size in sizes:
        estimate = _estimate(size, measured)
        validate = not stopped and (estimate is None or estimate[0] <= arguments.validate_timeout)
        extra = ["--validate-timeout", str(arguments.validate_timeout)] + ([] if validate else ["--no-validate"])
        result = _run_on_corpus("steps", size, *extra, limit=arguments.validate_timeout + 3000)
        if result.get("validate") is not None:
            measured.append((size, result["validate"]))
        stopped = stopped or "validate_timeout" in result
        result["estimate"] = estimate
        results.append(result)
    curators = _run("curators", arguments.yaml_size) if arguments.yaml_size else None
    rule_results = [_run("rules", int(size)) for size in arguments.rules_sizes.split(",") if size]
    if arguments.profile_size or arguments.profile_validate_size or rule_results:
        text = "# Where the time goes\n\nWritten by `python -m benchmarks.pipeline` (see its --help).\n"
        if rule_results:
            text += "\n" + _rules_markdown(rule_results)
        if arguments.profile_size:
            profile = _run_on_corpus(
                "profile",
                arguments.profile_size,
                "--validate-timeout",
                str(arguments.profile_validate_timeout),
                limit=arguments.profile_validate_timeout + 3000,
            )
            text += "\n" + profile["markdown"] + f"\nsrc/alliance_data fingerprint: {profile['code']}\n"
        if arguments.profile_validate_size:
            profile = _run_on_corpus(
                "profile",
                arguments.profile_validate_size,
                "--no-export",
                "--validate-timeout",
                str(arguments.profile_validate_timeout),
                limit=arguments.profile_validate_timeout + 3000,
            )
            text += "\n" + profile["markdown"] + f"\nsrc/alliance_data fingerprint: {profile['code']}\n"
        PROFILE_FILE.write_text(text, encoding="utf-8")
    if arguments.json:
        arguments.json.write_text(json.dumps({"steps": results, "curators": curators}, indent=2), encoding="utf-8")
    print(_markdown(results, curators))
    codes = {result["code"] for result in [*results, curators] if result}
    warnings = [result["warning"] for result in [*results, curators] if result and result.get("warning")]
    print(f"\nsrc/alliance_data fingerprint: {', '.join(sorted(codes))}", *warnings, sep="\n")


def _rules_markdown(results: list[dict[str, Any]]) -> str:
    sizes = [result["size"] for result in results]
    header = " | ".join(f"{size:,} claims s" for size in sizes)
    lines = [
        "Each table check alone (each rule's query in DuckDB; the column scan of each table; the "
        "rules' input tables built once), seconds; growth exponent between the two largest sizes:",
        "",
        f"| check | {header} | grows as |",
        "| --- |" + " ---: |" * (len(sizes) + 1),
    ]
    first = results[-1]["seconds"]
    for name in sorted(first, key=first.get, reverse=True):
        values = [result["seconds"][name] for result in results]
        growth = "–"
        if len(values) >= 2 and values[-2] > 0.005 and values[-1] > 0.005:
            growth = f"n^{math.log(values[-1] / values[-2]) / math.log(sizes[-1] / sizes[-2]):.1f}"
        lines.append(f"| {name} | " + " | ".join(f"{value:.2f}" for value in values) + f" | {growth} |")
    return "\n".join(lines) + "\n"


def _markdown(results: list[dict[str, Any]], curators: dict[str, Any] | None) -> str:
    lines = [
        "| claims | rows in all | derive alone | table checks alone | build: validate (derive + checks) "
        "| build: publish "
        "| build: Parquet + CSV | build: then waiting for SQLite | **build in all** "
        "| peak RSS MiB (main / a SQLite process) "
        "| **peak memory of the build, all processes** (PSS, a run of its own) MiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        validate = result.get("validate")
        if validate is None or "build" not in result:
            lines.append(f"| {result['size']:,} | – | {_seconds(result.get('derive'))} | not finished | | | | | | | |")
            continue
        lines.append(
            f"| {result['size']:,} | {sum(result['rows'].values()):,} | {_seconds(result['derive'])} "
            f"| {_seconds(validate)} | {_seconds(result['build_validate'])} | {_seconds(result['build_publish'])} "
            f"| {_seconds(result['build_files'])} | {_seconds(result['build_sqlite_wait'])} "
            f"| **{_seconds(result['build'])}** "
            f"| {result['peak_mib']:,.0f} / {result['peak_sqlite_process_mib']:,.0f} "
            f"| **{result['peak_pss_build_mib']:,.0f}** |"
        )
    if curators:
        lines += [
            "",
            f"Curators' path at {curators['size']:,} claims ({curators['yaml_bytes'] / 1e6:.1f} MB of YAML): "
            f"`validate(dir)` {_seconds(curators['validate_dir'])} s, of which reading (YAML + pydantic, "
            f"`read_dataset`) {_seconds(curators['read_dataset'])} s; peak RSS {curators['peak_mib']:,.0f} MiB.",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
