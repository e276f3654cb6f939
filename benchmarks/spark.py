"""The table rules on Spark beside the single-machine path: same data, same verdict, timed.

For each size: generate a valid corpus (`alliance_data.synthetic`), write it as partitioned
Parquet (`alliance_data.distributed.corpus`), validate it on a local Spark session
(the rules' own queries in Spark SQL) and with `alliance_data.rules.check_tables`;
both must find nothing. Then corrupt some claims (every mutation kind), write and validate
again; both must report the same failures, compared by (table, record, check).
Results go to benchmarks/SPARK.md.

    python -m benchmarks.spark --sizes 100000,1000000     # wrap sizes > 100k in flock /tmp/bench.lock
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from alliance_data.synthetic import corrupt, derive, generate, key_rows_by_table, single_machine_keys, spark_keys

RESULTS = Path(__file__).with_name("SPARK.md")


def jvm_peak_mib(spark: Any) -> float | None:
    """Peak resident memory of Spark's JVM (VmHWM), read from /proc."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (AttributeError, OSError):
        return None
    return None


def _timed(function: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def run_size(spark: Any, n_claims: int, n_corrupt: int) -> dict[str, Any]:
    from alliance_data.distributed.corpus import write_corpus
    from alliance_data.distributed.validate import validate_corpus

    result: dict[str, Any] = {"claims": n_claims}
    dataset, result["generate"] = _timed(generate, n_claims)
    _, result["derive"] = _timed(derive, dataset)
    key_rows_by_table(dataset)
    directory = Path(tempfile.mkdtemp(prefix="spark-corpus-"))
    try:
        _, result["write"] = _timed(write_corpus, dataset, directory / "valid")
        result["files"] = sum(1 for _ in (directory / "valid").rglob("*.parquet"))
        found, result["spark"] = _timed(validate_corpus, spark, directory / "valid", None)
        problems, result["single"] = _timed(single_machine_keys, dataset)
        result["valid_spark_failures"], result["valid_single_problems"] = found.total, len(problems)

        # The same corpus again (generation is deterministic), then corrupted.
        dataset = generate(n_claims)
        mutated = corrupt(dataset, n_corrupt, seed=1)
        derive(dataset)
        key_rows_by_table(dataset)
        write_corpus(dataset, directory / "corrupted")
        found, result["spark_corrupted"] = _timed(validate_corpus, spark, directory / "corrupted", None)
        problems, result["single_corrupted"] = _timed(single_machine_keys, dataset)
        spark_side, single_side = spark_keys(found), problems
        result["mutations"] = len(mutated)
        result["corrupted_keys"] = len(spark_side)
        result["only_spark"] = sorted(spark_side - single_side, key=str)
        result["only_single"] = sorted(single_side - spark_side, key=str)
        flagged = {record for _, record, _ in spark_side}
        result["mutations_missed"] = sorted(
            claim for claim in mutated if claim not in flagged and not any(claim in str(r) for r in flagged)
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    result["python_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["jvm_peak_mib"] = jvm_peak_mib(spark)
    return result


def _verdict(result: dict[str, Any]) -> str:
    valid = result["valid_spark_failures"] == 0 and result["valid_single_problems"] == 0
    same = not result["only_spark"] and not result["only_single"] and not result["mutations_missed"]
    return "agree" if valid and same else "DISAGREE"


def write_results(results: list[dict[str, Any]], started: float, session_seconds: float) -> None:
    import pyspark

    lines = [
        "# The table rules on Spark beside the single-machine path: measured numbers",
        "",
        f"Machine: {os.cpu_count()} cores, {_memory_gib():.0f} GiB, {platform.platform()}, Python "
        f"{platform.python_version()}, pyspark {pyspark.__version__} (`local[{os.cpu_count()}]`, "
        "driver memory 4g), Java 17. Another engineer's benchmarks share the machine; heavy runs are "
        "serialised with `flock /tmp/bench.lock`.",
        "",
        "`python -m benchmarks.spark --sizes ...`: per size, a valid synthetic corpus is written as Parquet "
        "(claims partitioned by source, hive style) and validated on Spark (each table's column constraints as "
        "one SQL query, every rule's own query translated to Spark SQL, reading from disk) and with "
        "`check_tables` on the in-memory tables (pandera for the columns, the rules' queries in DuckDB). "
        "Then `corrupt()` mutates claims (every mutation kind), and both paths validate again; their failures "
        "are compared as sets of (table, record, check).",
        "",
        f"Spark session start: {session_seconds:.1f} s (once, not counted below).",
        "",
        "| claims | files | write corpus | Spark validate | check_tables | Spark ÷ single | corrupted: Spark | "
        "corrupted: check_tables | mutations | failure keys | verdicts | Python peak MiB | JVM peak MiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        jvm = f"{r['jvm_peak_mib']:,.0f}" if r["jvm_peak_mib"] else "n/a"
        lines.append(
            f"| {r['claims']:,} | {r['files']:,} | {r['write']:.1f} | {r['spark']:.1f} | {r['single']:.1f} | "
            f"{r['spark'] / r['single']:.1f} | {r['spark_corrupted']:.1f} | {r['single_corrupted']:.1f} | "
            f"{r['mutations']} | {r['corrupted_keys']} | {_verdict(r)} | {r['python_peak_mib']:,.0f} | {jvm} |"
        )
    for r in results:
        if _verdict(r) != "agree":
            lines += ["", f"Disagreement at {r['claims']:,} claims:", ""]
            lines += [f"- only Spark: {key}" for key in r["only_spark"]]
            lines += [f"- only check_tables: {key}" for key in r["only_single"]]
            lines += [f"- mutation not flagged: {claim}" for claim in r["mutations_missed"]]
    lines += ["", f"Total run: {time.perf_counter() - started:.0f} s.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated claim counts")
    parser.add_argument("--corrupt", type=int, default=52, help="claims to corrupt (every mutation kind, cycled)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write benchmarks/SPARK.md")
    parser.add_argument("--json", type=Path, help="also write the results here")
    arguments = parser.parse_args(argv)
    from alliance_data.distributed.session import local_session

    started = time.perf_counter()
    spark, session_seconds = _timed(local_session, os.cpu_count() or 2, 16, "4g")
    results = []
    for size in (int(value) for value in arguments.sizes.split(",")):
        result = run_size(spark, size, arguments.corrupt)
        results.append(result)
        print({key: value for key, value in result.items() if key not in ("only_spark", "only_single")}, flush=True)
        for side in ("only_spark", "only_single"):
            for key in result[side]:
                print(f"  {side}: {key}")
    if not arguments.no_write:
        write_results(results, started, session_seconds)
    if arguments.json:
        for result in results:
            result["verdict"] = _verdict(result)
        arguments.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    spark.stop()
    return 0 if all(_verdict(result) == "agree" for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
