"""One measured step of one side's code, for benchmarks.build_sides.

    PYTHONPATH=<side>/src:<side> python benchmarks/side_worker.py STEP --corpus DIR --out DIR

Run as a script, beside a side's own code: `alliance_data` and `benchmarks.pipeline` (the reader
of the corpus its own generator stored) are the side's; the timing and the memory sampling are
this file's, the same for every side. Each step runs in a fresh process, as `alliance-data
build` does:
- `build`: the build of the stored corpus, timed, with no sampler running;
- `memory`: the same build with its peak memory (PSS, all processes) sampled, not timed;
- `steps`: derive, then the table checks, each timed alone.
Prints one line, `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
import time
from pathlib import Path


def _find(name: str, modules: tuple[str, ...]):
    """`name` from the first of `modules` the side has (its package was laid out anew by
    release 3.0.0)."""
    failures = []
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as error:
            failures.append(f"{module}: {error}")
    raise SystemExit(f"this side has no {name} ({'; '.join(failures)})")


def _sampler():
    spec = importlib.util.spec_from_file_location("benchmark_memory", Path(__file__).with_name("memory.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MemorySampler()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("build", "memory", "steps"))
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()

    from benchmarks.pipeline import _warm_up, read_corpus

    build_dataset = _find("build_dataset", ("alliance_data.build.pipeline", "alliance_data.build"))
    derive = _find("derive", ("alliance_data.curation.derive", "alliance_data.derive"))
    check_tables = _find("check_tables", ("alliance_data.rules",))
    problem_list = _find("ProblemList", ("alliance_data.problems",))
    tables = _find("TABLES", ("alliance_data.codebook.registry", "alliance_data.registry"))

    _warm_up()  # DuckDB's (or pandera's) first-use imports and caches are not what is measured
    dataset = read_corpus(arguments.corpus)
    result: dict[str, object] = {"pid": os.getpid()}
    if arguments.step == "steps":
        started = time.perf_counter()
        derive(dataset)
        result["derive"] = time.perf_counter() - started
        problems = problem_list()
        started = time.perf_counter()
        check_tables(dataset, problems)
        result["validate"] = time.perf_counter() - started
        result["rows"] = {spec.name: dataset.table(spec.name).num_rows for spec in tables}
    elif arguments.step == "memory":
        sampler = _sampler()
        build_dataset(dataset, problem_list(), arguments.out / "build")
        result["peak_pss_build_mib"] = sampler.stop()
    else:
        started = time.perf_counter()
        build_dataset(dataset, problem_list(), arguments.out / "build")
        result["build"] = time.perf_counter() - started
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
