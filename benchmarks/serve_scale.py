"""Datasette over a million synthetic claims: build the SQLite file, serve it exactly as
`alliance-data serve` does, and run the bounded load test against it.

    python -m benchmarks.serve_scale --size 1000000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from alliance_data.build import DATABASE_FILE, _write_database
from alliance_data.exports.arrow import arrow_table
from alliance_data.registry import TABLES
from alliance_data.serving.server import ServedDatabase, datasette_args

from .serve_load import load_served, print_results
from .synthetic import derive, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="serve-scale-"))
    dataset = generate(args.size)
    derive(dataset)
    started = time.perf_counter()
    tables = {t.name: arrow_table(t, dataset.rows[t.name]) for t in TABLES}
    database = workdir / "data" / DATABASE_FILE
    database.parent.mkdir()
    _write_database(tables, database)
    print(f"built {database} ({database.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.0f} s")
    claim = dataset.rows["claims"][len(dataset.rows["claims"]) // 2]
    paths = {
        "table page (claims, default facets)": "/alliance/claims",
        "row page": f"/alliance/claims/{claim['claim_id']}",
        "foreign-key filter": f"/alliance/claims.json?section_id={claim['section_id']}",
        "FTS top-N": "/alliance/claims.json?_search=sanctions&_size=10",
        "facet": "/alliance/claims.json?_facet=certainty&_size=0",
        "canned query (claims by actor, first 100)": "/alliance/claims_by_actor.json?actor_id=IRN&_size=100",
    }
    port = 8790
    config = workdir / "config"
    config.mkdir()
    argv = datasette_args(ServedDatabase(database, None), config, "127.0.0.1", port)
    print_results(load_served([sys.executable, "-m", "datasette", *argv], port, args.requests, paths))


if __name__ == "__main__":
    main()
