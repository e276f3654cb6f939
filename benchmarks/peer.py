"""Our table-level validation of the claims table against a peer: `frictionless validate`.

    python -m benchmarks.peer [--size 100000] [--full-timeout 600]

The claims of a synthetic corpus (alliance_data.synthetic) are written as the release writes them
(`exports.csv.write_csv` of the Arrow table) with the Table Schema the release publishes for them
(`release.datapackage.table_schema`: types, required, enums, patterns, minLength, ranges, primary
key; its foreign keys are dropped, since they point at other resources). Then, on the same rows:

- `frictionless validate claims.csv --schema claims.schema.json --json` (the CLI, wall time);
- ours, like for like: from the same CSV file (read with `exports.csv.read_csv`, as a user of the
  release would), the pandera schema of the claims columns (`rules.table_schema(claims)`: the same
  types, enums, patterns, lengths, ranges and unique key), reading and frame building included;
- ours, in full: the claims schema, then every rule's query (foreign keys included) in DuckDB
  (`rules.local.run_rules`), stopped after --full-timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alliance_data.codebook.registry import TABLES_BY_NAME
from alliance_data.exports.arrow import arrow_schema, typed_table
from alliance_data.exports.csv import read_csv, write_csv
from alliance_data.release.datapackage import table_schema as frictionless_schema
from alliance_data.rules.schema import PANDAS_TYPES, frame
from alliance_data.rules.schema import table_schema as pandera_schema
from alliance_data.synthetic import derive, generate


def _frictionless(csv: Path, schema: Path) -> tuple[float, dict]:
    # frictionless refuses absolute paths ("not safe"): run it in the files' directory.
    command = [str(Path(sys.executable).with_name("frictionless")), "validate", csv.name, "--schema", schema.name]
    started = time.perf_counter()
    completed = subprocess.run([*command, "--json"], cwd=csv.parent, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    report = json.loads(completed.stdout)
    return seconds, report


def _ours_from_csv(csv: Path) -> float:
    table = TABLES_BY_NAME["claims"]
    started = time.perf_counter()
    data = read_csv(csv, arrow_schema(table))
    rows = data.to_pandas(types_mapper=PANDAS_TYPES.get)
    pandera_schema(table).validate(rows, lazy=True)
    return time.perf_counter() - started


def _ours(dataset, with_dataset: bool) -> float:
    """The claims' column checks; with the dataset, every rule too (all rules run together)."""
    from alliance_data.problems import ProblemList
    from alliance_data.rules.local import run_rules

    table = TABLES_BY_NAME["claims"]
    started = time.perf_counter()
    pandera_schema(table).validate(frame(table, dataset.table("claims")), lazy=True)
    if with_dataset:
        run_rules(dataset, ProblemList())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--full-timeout", type=float, default=600.0, help="0 skips our full claims checks")
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()

    dataset = generate(arguments.size)
    derive(dataset)
    table = TABLES_BY_NAME["claims"]
    with tempfile.TemporaryDirectory() as directory:
        csv, schema = Path(directory) / "claims.csv", Path(directory) / "claims.schema.json"
        write_csv(typed_table(table, dataset.table("claims")), csv)
        descriptor = frictionless_schema(table)
        descriptor.pop("foreignKeys")
        schema.write_text(json.dumps(descriptor), encoding="utf-8")
        peer, report = _frictionless(csv, schema)
        csv_mb = csv.stat().st_size / 1e6
        _ours(generate(20), False)  # pandera's lazy imports are not what is measured
        like = _ours_from_csv(csv)
    stats = report["tasks"][0]["stats"] if report.get("tasks") else {}

    full: float | None = None
    if arguments.full_timeout:

        def expire(signum, frame):
            raise TimeoutError

        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, arguments.full_timeout)
        try:
            full = _ours(dataset, True)
        except TimeoutError:
            full = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    if arguments.json:
        result = {"size": arguments.size, "frictionless": peer, "ours": like, "ours_full": full, "ratio": peer / like}
        arguments.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"claims: {arguments.size:,} rows, {csv_mb:.1f} MB of CSV, {len(descriptor['fields'])} columns")
    print(f"frictionless: valid={report.get('valid')}, rows={stats.get('rows')}, errors={stats.get('errors')}")
    if not report.get("valid"):
        print(json.dumps(report["tasks"][0]["errors"][:3], indent=1) if report.get("tasks") else report)
    print()
    print("| validator | seconds | rows/s | frictionless ÷ this |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| `frictionless validate` (CLI, Table Schema) | {peer:.1f} | {arguments.size / peer:,.0f} | 1.0 |")
    print(
        "| ours, same constraints, same CSV (Arrow reader + pandera columns) "
        f"| {like:.2f} | {arguments.size / like:,.0f} | {peer / like:.1f} |"
    )
    if full is not None:
        print(
            f"| ours, claims in full (+ foreign keys, 12 claims rules) | {full:.1f} | {arguments.size / full:,.0f} "
            f"| {peer / full:.2f} |"
        )
    elif arguments.full_timeout:
        label = "ours, claims in full (+ foreign keys, 12 claims rules)"
        print(f"| {label} | > {arguments.full_timeout:.0f} (stopped) | | |")


if __name__ == "__main__":
    main()
