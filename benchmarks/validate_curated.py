"""A curator's `alliance-data validate` of the curated data: wall time and what it imports, this
checkout beside older code in the same run.

    python -m benchmarks.validate_curated [--runs 7] [--python PATH | --plain-venv DIR]
                                          [--before fa23be2,5aad66b] [--json FILE]

Each run is a fresh process (`alliance-data validate data`), as a curator runs it; the sides
take turns, round after round, so a change in the machine's load falls on all of them. Each
side validates the curated data of its own commit (`benchmarks.sides`). --python is the
interpreter to run them with: a plain install of what a curator installs (the package with its
`curate` extra, nothing else) is what a curator has; --plain-venv makes one (if missing) with
pip and the locked versions. One more
process per side lists the heavy modules its validation imported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .sides import BASELINE, MAIN_BEFORE, ROOT, THIS, commit, load_average, sides

_RUN = "import sys; from alliance_data.cli import main; sys.argv[0] = 'alliance-data'; main()"
HEAVY = ("pandas", "pandera", "hypothesis", "pyspark", "duckdb", "sqlglot", "numpy", "datasette")
_IMPORTS = f"""
import sys
try:
    from alliance_data.curation.validate import validate
except ImportError:  # before the package was laid out by job
    from alliance_data.validate import validate
validate("data")
print(",".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def plain_venv(directory: Path) -> Path:
    """The Python of a venv holding the package with the `curate` extra only (locked versions)."""
    python = directory / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
        install = [str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "requirements.lock"), f"{ROOT}[curate]"]
        subprocess.run(install, check=True)
    return python


def measure(python: str, revisions: list[str], runs: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="validate-sides-") as workdir:
        found = sides(revisions, Path(workdir))
        seconds: dict[str, list[float]] = {side.label: [] for side in found}
        loads: list[float] = []
        for _ in range(runs):
            for side in found:
                command = [python, "-c", _RUN, "validate", "data"]
                loads.append(load_average())
                started = time.perf_counter()
                completed = subprocess.run(
                    command, cwd=side.root, env=side.env(), capture_output=True, text=True, timeout=600
                )
                seconds[side.label].append(time.perf_counter() - started)
                if completed.returncode != 0:
                    raise SystemExit(f"{side.label}: {completed.stderr[-2000:]}")
        results = []
        for side in found:
            probe = subprocess.run(
                [python, "-c", _IMPORTS], cwd=side.root, env=side.env(), capture_output=True, text=True, timeout=600
            )
            times = seconds[side.label]
            results.append(
                {
                    "side": side.label,
                    "commit": commit(side.label),
                    "runs": times,
                    "median_s": statistics.median(times),
                    "min_s": min(times),
                    "max_s": max(times),
                    "imports": [name for name in probe.stdout.strip().split(",") if name]
                    if probe.returncode == 0
                    else ["(not found)"],
                    "load_average": [min(loads), max(loads)],
                }
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable, help="the interpreter (a plain install)")
    parser.add_argument("--before", default=f"{BASELINE},{MAIN_BEFORE}", help="revisions to run beside, or 'none'")
    parser.add_argument("--plain-venv", type=Path, help="a venv of a plain install, made here if missing")
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.plain_venv:
        arguments.python = str(plain_venv(ROOT / arguments.plain_venv))
    before = [] if arguments.before == "none" else arguments.before.split(",")
    results = measure(str(Path(arguments.python).absolute()), [*before, THIS], arguments.runs)
    this = results[-1]
    plain = "the locked venv" if arguments.python == sys.executable else arguments.python
    low, high = this["load_average"]
    print(f"Interpreter: {plain}; sides alternating, {arguments.runs} rounds; load average {low:.1f}–{high:.1f}.")
    print()
    print("| side | commit | median | fastest | slowest | every run (s) | ÷ this | heavy modules imported |")
    print("| --- | --- | ---: | ---: | ---: | --- | ---: | --- |")
    for result in results:
        ratio = result["median_s"] / this["median_s"]
        every = ", ".join(f"{value:.2f}" for value in result["runs"])
        print(
            f"| {result['side']} | {result['commit']} | {result['median_s']:.2f} s | {result['min_s']:.2f} s | "
            f"{result['max_s']:.2f} s | {every} | {ratio:.2f} | {', '.join(result['imports']) or 'none'} |"
        )
    if arguments.json:
        summary = {
            "median_s": this["median_s"],
            "min_s": this["min_s"],
            "max_s": this["max_s"],
            "imports_pyspark": "pyspark" in this["imports"],
            "sides": results,
        }
        arguments.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
