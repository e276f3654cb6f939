"""A curator's `alliance-data validate` of the curated data: wall time and what it imports.

    python -m benchmarks.validate_curated [--runs 7] [--json FILE]

Each run is a fresh process (`alliance-data validate data`), as a curator runs it; the median
and the spread are reported. One more process validates in Python and lists whether any
module of Spark (pyspark, sqlglot's Spark dialect aside) was imported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_IMPORTS = """
import sys
from alliance_data.curation.validate import validate
dataset = validate("data")
print(sum(dataset.table(name).num_rows for name in dataset.tables), "pyspark" in sys.modules)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    command = [str(Path(sys.executable).with_name("alliance-data")), "validate", "data"]
    seconds = []
    for _ in range(arguments.runs):
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        seconds.append(time.perf_counter() - started)
        if completed.returncode != 0:
            raise SystemExit(completed.stderr[-2000:])
    probe = subprocess.run([sys.executable, "-c", _IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=600)
    rows, spark = probe.stdout.split()
    result = {
        "runs": arguments.runs,
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "rows": int(rows),
        "imports_pyspark": spark == "True",
    }
    print("| runs | median | fastest | slowest | rows checked | imports pyspark |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| {result['runs']} | {result['median_s']:.2f} s | {result['min_s']:.2f} s | {result['max_s']:.2f} s | "
        f"{result['rows']:,} | {'yes' if result['imports_pyspark'] else 'no'} |"
    )
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
