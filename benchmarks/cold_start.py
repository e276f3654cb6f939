"""Cold start: `import alliance_data; alliance_data.load("claims")` against the floor
`import pandas, pyarrow.parquet as pq; pq.read_table(PATH).to_pandas()` on the same packaged file.

    python -m benchmarks.cold_start [--runs 25] [--json PATH]

Each command runs in a fresh interpreter, alternately, after warm-up runs (so both find the
same files in the page cache); the ratio of the medians is the result. Target: at most 1.10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.10


def _commands() -> dict[str, str]:
    from importlib.resources import files

    path = files("alliance_data").joinpath("data", "claims.parquet")
    return {
        "load": "import alliance_data; alliance_data.load('claims')",
        "floor": f"import pandas, pyarrow.parquet as pq; pq.read_table({str(path)!r}).to_pandas()",
    }


def _once(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def measure(runs: int = 25, warm_up: int = 3) -> dict:
    commands = _commands()
    for _ in range(warm_up):
        for code in commands.values():
            _once(code)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, code in commands.items():
            seconds[name].append(_once(code))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    return {
        "runs": runs,
        "median_ms": {name: value * 1000 for name, value in medians.items()},
        "ratio": medians["load"] / medians["floor"],
        "target": TARGET,
    }


def markdown(result: dict) -> str:
    ms = result["median_ms"]
    verdict = "met" if result["ratio"] <= result["target"] else "missed"
    return "\n".join(
        [
            f"{result['runs']} alternating runs of each in fresh interpreters, after 3 warm-up runs; medians.",
            "",
            "| command | median ms |",
            "| --- | ---: |",
            f"| `import alliance_data; alliance_data.load('claims')` | {ms['load']:.0f} |",
            f"| floor: `import pandas, pyarrow.parquet as pq; pq.read_table(PATH).to_pandas()` | {ms['floor']:.0f} |",
            f"| **ratio** (target ≤ {result['target']:.2f}: {verdict}) | **{result['ratio']:.3f}** |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()
    result = measure(arguments.runs)
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
