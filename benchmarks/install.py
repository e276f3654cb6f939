"""Installing: packages, size on disk and time of the base install and of each extra, against
the install from before the extras, when every dependency was in the base.

    python -m benchmarks.install [--before a343137] [--wheels DIR] [--extras curate,serve] [--json PATH]

The wheels are built once (`pip wheel -c requirements.lock`, from the package index or pip's
cache) into DIR/after and DIR/before; every install then reads only that directory
(`pip install --no-index --find-links`), so the times are the install's, not a download's.
Each install is a fresh virtual environment; an extra's figures are its increment over the
base. In the base install, `load("claims")` is timed against the floor as
`benchmarks.cold_start` does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alliance_data.extras import EXTRAS

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "a343137"  # main before the extras: every dependency in the base install


def _pip(*args: str, python: str = sys.executable) -> None:
    completed = subprocess.run([python, "-m", "pip", "-q", *args], capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"pip {' '.join(args)} failed:\n{completed.stderr[-3000:]}")


def build_wheels(directory: Path, before: str) -> None:
    """DIR/after: this checkout and every extra's dependencies; DIR/before: the commit `before`."""
    lock = str(ROOT / "requirements.lock")
    if not (directory / "after").is_dir():
        _pip("wheel", "-w", str(directory / "after"), "-c", lock, f"{ROOT}[all]")
    if not (directory / "before").is_dir():
        with tempfile.TemporaryDirectory() as source:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", before], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", source], input=archive.stdout, check=True)
            _pip("wheel", "-w", str(directory / "before"), "-c", lock, source)


def _size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def install(venv: Path, wheels: Path, requirement: str) -> dict:
    """A fresh virtual environment with `requirement` from `wheels` only: packages, bytes, seconds."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = next((venv / "lib").glob("python3*/site-packages"))
    empty = _size(site)
    started = time.perf_counter()
    _pip("install", "--no-index", "--find-links", str(wheels), requirement, python=python)
    seconds = time.perf_counter() - started
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=json"], check=True, capture_output=True, text=True
    ).stdout
    packages = sorted(p["name"] for p in json.loads(listed) if p["name"] not in ("pip", "setuptools"))
    return {"packages": packages, "mib": (_size(site) - empty) / 2**20, "seconds": seconds}


def cold_start(venv: Path, runs: int, attempts: int = 3) -> dict:
    """benchmarks.cold_start in the base install. Under heavy load an interpreter now and then
    aborts at exit, in pyarrow's teardown ("terminate called without an active exception"), in
    either command; such an attempt is counted and the measurement started again."""
    with tempfile.TemporaryDirectory() as directory:
        result = Path(directory) / "cold.json"
        python = str(venv / "bin" / "python")
        command = [python, "-m", "benchmarks.cold_start", "--runs", str(runs), "--json", str(result)]
        for attempt in range(attempts):
            completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            if completed.returncode == 0:
                return {**json.loads(result.read_text(encoding="utf-8")), "aborted_attempts": attempt}
        raise SystemExit(f"the cold start in the base install failed {attempts} times:\n{completed.stderr[-3000:]}")


def measure(wheels: Path, before: str, extras: list[str], runs: int) -> dict:
    build_wheels(wheels, before)
    with tempfile.TemporaryDirectory() as directory:
        venvs = Path(directory)
        result = {
            "before_commit": before,
            "before": install(venvs / "before", wheels / "before", "alliance-data"),
            "base": install(venvs / "base", wheels / "after", "alliance-data"),
        }
        result["cold_start"] = cold_start(venvs / "base", runs)
        result["extras"] = {
            extra: install(venvs / extra, wheels / "after", f"alliance-data[{extra}]") for extra in extras
        }
    return result


def markdown(result: dict) -> str:
    before, base = result["before"], result["base"]
    cold = result["cold_start"]
    lines = [
        "From a local directory of wheels (`pip install --no-index --find-links`): the times are the "
        "install's, not a download's. One run each; the times move with the machine's load.",
        "",
        "| install | packages | MiB on disk | install s |",
        "| --- | ---: | ---: | ---: |",
        f"| before ({result['before_commit']}): `pip install alliance-data`, every dependency | "
        f"{len(before['packages'])} | {before['mib']:.0f} | {before['seconds']:.1f} |",
        f"| now: `pip install alliance-data` (the base) | {len(base['packages'])} | {base['mib']:.0f} | "
        f"{base['seconds']:.1f} |",
    ]
    for extra, figures in result["extras"].items():
        added = len(figures["packages"]) - len(base["packages"])
        # A stored result may name an extra the package has dropped since it was measured.
        gone = "" if extra in EXTRAS or extra == "all" else " (measured when it was an extra; gone since)"
        lines.append(
            f"| `alliance-data[{extra}]`: more than the base{gone} | +{added} | "
            f"+{figures['mib'] - base['mib']:.0f} | {figures['seconds']:.1f} (all of it) |"
        )
    ms = cold["median_ms"]
    verdict = "met" if cold["ratio"] <= cold["target"] else "missed"
    lines += [
        "",
        f"The base install's packages: {', '.join(base['packages'])}.",
        "",
        f"Cold start in the base install ({cold['runs']} alternating runs in fresh interpreters, medians): "
        f"`import alliance_data; alliance_data.load('claims')` {ms['load']:.0f} ms, the floor "
        f"`import pandas, pyarrow.parquet as pq; pq.read_table(PATH).to_pandas()` {ms['floor']:.0f} ms, "
        f"ratio **{cold['ratio']:.3f}** (target ≤ {cold['target']:.2f}: {verdict}).",
    ]
    if cold.get("aborted_attempts"):
        lines.append(
            f"{cold['aborted_attempts']} earlier attempt(s) stopped when an interpreter aborted at exit in "
            "pyarrow's teardown (SIGABRT), and were started again."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with")
    parser.add_argument("--wheels", type=Path, help="where the wheels are built (kept); default: a temporary one")
    parser.add_argument("--extras", default=",".join([*EXTRAS, "all"]), help="comma-separated extras to install")
    parser.add_argument("--runs", type=int, default=15, help="runs of each cold-start command")
    parser.add_argument("--json", type=Path, help="also write the result here")
    arguments = parser.parse_args()
    extras = [extra for extra in arguments.extras.split(",") if extra]
    with tempfile.TemporaryDirectory() as scratch:
        wheels = arguments.wheels or Path(scratch)
        result = measure(wheels, arguments.before, extras, arguments.runs)
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
