"""Datasette over a million synthetic claims: build the SQLite file as the build does, serve it
exactly as `alliance-data serve` does, and run the bounded load test against it.

    python -m benchmarks.serve_scale --size 1000000 [--keep DIR] [--before 5aad66b] [--rounds 2]

With --keep, the corpus and database are kept in DIR (and reused when already there). The
database is built once, by this checkout; each side (benchmarks.sides) serves it with its own
code and its own metadata, the sides taking turns.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alliance_data.build.pipeline import DATABASE_FILE, build_dataset
from alliance_data.problems import ProblemList
from alliance_data.serving.metadata import QUERIES

from .pipeline import ROOT, read_corpus
from .serve_load import load_sides, print_sides
from .sides import MAIN_BEFORE, THIS


def _database(size: int, workdir: Path) -> tuple[Path, dict]:
    corpus = workdir / "corpus"
    if not (corpus / "claims.parquet").exists():
        command = [sys.executable, "-m", "benchmarks.pipeline", "--worker", "corpus", "--size", str(size)]
        subprocess.run([*command, "--out", str(corpus)], cwd=ROOT, check=True, capture_output=True)
    dataset = read_corpus(corpus)
    claims = dataset.table("claims")
    middle = {name: claims[name][claims.num_rows // 2].as_py() for name in ("claim_id", "section_id", "source_id")}
    out = workdir / "data"
    if not (out / DATABASE_FILE).exists():
        started = time.perf_counter()
        build_dataset(dataset, ProblemList(), out, formats=("sqlite",))
        print(f"built the database in {time.perf_counter() - started:.0f} s")
    return out / DATABASE_FILE, middle


SERVE = (
    "import sys; from alliance_data.serving.plugins import register_all; register_all(); "
    "from datasette.cli import cli; cli.main(args=sys.argv[1:], prog_name='datasette')"
)
# The server's arguments (its metadata and inspect files) as the side's own code writes them.
ARGS = (
    "import json, sys; from pathlib import Path; "
    "from alliance_data.serving.server import ServedDatabase, datasette_args; "
    "print(json.dumps(datasette_args(ServedDatabase(Path(sys.argv[1]), None), Path(sys.argv[2]), '127.0.0.1', "
    "int(sys.argv[3]))))"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="keep the corpus and database here (reused if present)")
    parser.add_argument("--before", default=MAIN_BEFORE, help="revisions to serve beside this checkout, or 'none'")
    parser.add_argument("--rounds", type=int, default=2, help="times each side is loaded, taking turns")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="serve-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database, claim = _database(args.size, workdir)
    print(f"{database} ({database.stat().st_size / 2**20:.0f} MiB)")
    paths = {
        "table page (claims, default facets)": "/alliance/claims",
        "row page": f"/alliance/claims/{claim['claim_id']}",
        "foreign-key filter": f"/alliance/claims.json?section_id={claim['section_id']}",
        "FTS top-N": "/alliance/claims.json?_search=sanctions&_size=10",
        "facet": "/alliance/claims.json?_facet=certainty&_size=0",
    }
    paths["article page (one source)"] = f"/article/{claim['source_id']}"
    # Every canned query, as a reader calls it: its first page, and a later one where it pages.
    topic = "driver-t1"
    for name in QUERIES:
        arguments = {"actor_id": "actor_id=IRN", "topic_id": f"topic_id={topic}", "q": "q=sanctions"}
        needed = [value for key, value in arguments.items() if f":{key}" in QUERIES[name]["sql"]]
        paths[f"canned query: {name}"] = f"/alliance/{name}.json" + ("?" + "&".join(needed) if needed else "")
        if ":page" in QUERIES[name]["sql"]:
            paths[f"canned query: {name}, page 5"] = f"/alliance/{name}.json?" + "&".join([*needed, "page=5"])
    before = [] if args.before == "none" else args.before.split(",")

    def command_for(side, port):
        config = workdir / f"config-{side.label.replace(' ', '-')}"
        config.mkdir(exist_ok=True)
        env = side.env()
        made = subprocess.run(
            [sys.executable, "-c", ARGS, str(database), str(config), str(port)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        # Datasette's command line with the side's plugins, as `alliance-data serve` runs it.
        return [sys.executable, "-c", SERVE, *json.loads(made.stdout)], env

    results = load_sides(command_for, [*before, THIS], args.rounds, args.requests, paths)
    this = [r for r in results if r["side"] == THIS]
    summary = {**this[-1], "size": args.size, "sides": results}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print_sides(results)


if __name__ == "__main__":
    main()
