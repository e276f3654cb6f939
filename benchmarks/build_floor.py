"""The floor of a build: the same tables written once, with no validation, by the fastest writer.

    python -m benchmarks.build_floor [--size 1000000] [--json FILE]

A synthetic corpus is generated, derived and published (typed Arrow tables sorted by key), which
is not timed. Then the same formats the build writes (Parquet, CSV, SQLite with its indexes and
full-text index, its codebook and pair counts) are written twice, each into a fresh directory:
by `build.pipeline.write_outputs` (the database loaded and merged in a forked process while this
one writes Parquet and CSV, as the build does), and by one process, one format after another.
The faster of the two is the floor: what no validation, however fast, can take away.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from alliance_data.build.pipeline import DATABASE_FILE, published_tables, write_outputs
from alliance_data.exports.csv import write_csv
from alliance_data.exports.parquet import write_parquet
from alliance_data.exports.sqlite import write_sqlite
from alliance_data.synthetic import derive, generate


def one_process(tables: dict, directory: Path) -> None:
    for name, table in tables.items():
        write_parquet(table, directory / f"{name}.parquet")
        write_csv(table, directory / f"{name}.csv")
    write_sqlite(directory / DATABASE_FILE, tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    dataset = generate(arguments.size)
    derive(dataset)
    tables = published_tables(dataset)
    del dataset
    seconds = {}
    for label, write in (
        ("write_outputs (SQLite in a forked process, Parquet and CSV meanwhile)", write_outputs),
        ("one process, one format after another", one_process),
    ):
        with tempfile.TemporaryDirectory(prefix="build-floor-") as directory:
            started = time.perf_counter()
            write(tables, Path(directory))
            seconds[label] = time.perf_counter() - started
    floor = min(seconds.values())
    print(f"| writer ({arguments.size:,} claims, no validation) | seconds |\n| --- | ---: |")
    for label, value in seconds.items():
        print(f"| {label} | {value:.1f} |")
    if arguments.json:
        arguments.json.write_text(json.dumps({"size": arguments.size, "seconds": seconds, "floor": floor}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
