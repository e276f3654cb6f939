"""Time and peak memory of `alliance-data validate` on a data directory with a file of bad records.

    python -m benchmarks.bad_records [--records 0,100000,1000000] [--code SRC] [--memory-limit-gib 6]

The curated data plus `claims/bad.yaml` holding N records `- {}` (5 bytes each, so a million
fit under the 5 MiB file limit), each of which breaks every rule a claim has. Each size runs
`validate` in its own process; its wall time, peak RSS (ru_maxrss), exit status and lines of
output are recorded. `--code` runs another source tree (e.g. an older commit's `src/`), for
figures before and after a change; `--memory-limit-gib` caps the address space of that process
so a run that would exhaust the machine ends in a MemoryError instead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(records: int, code: Path, memory_limit: int | None, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "data"
        shutil.copytree(ROOT / "data", data)
        if records:  # 0: the curated data alone, the baseline
            (data / "claims" / "bad.yaml").write_bytes(b"- {}\n" * records)
        env = {**os.environ, "PYTHONPATH": str(code), "PYTHONWARNINGS": "ignore"}

        def limit() -> None:
            if memory_limit:
                resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

        output = Path(directory) / "output"
        start = time.monotonic()
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "alliance_data.cli", "validate", str(data)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=limit,
            )
            status, usage = None, None
            while status is None:
                pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    status = os.waitstatus_to_exitcode(wait_status)
                elif time.monotonic() - start > timeout:
                    process.kill()
                    _, wait_status, usage = os.wait4(process.pid, 0)
                    status = "killed after timeout"
                else:
                    time.sleep(0.05)
            process.returncode = status if isinstance(status, int) else -9
        seconds = time.monotonic() - start
        text = output.read_bytes().decode("utf-8", "replace")
        return {
            "records": records,
            "seconds": round(seconds, 1),
            "peak_rss_mib": round(usage.ru_maxrss / 1024),
            "exit": status,
            "output_lines": text.count("\n"),
            "output_bytes": len(text.encode("utf-8")),
            "traceback": "Traceback (most recent call last)" in text,
            "ends_with": text.strip().splitlines()[-1][:120] if text.strip() else "",
        }


def table(results: list[dict], code: Path) -> str:
    lines = [
        "# A file of bad records",
        "",
        f"`alliance-data validate` on the curated data plus N records `- {{}}` (code: `{code}`).",
        "",
        "| records | seconds | peak RSS | exit | lines printed | traceback |",
        "| ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['records']:,} | {r['seconds']} | {r['peak_rss_mib']:,} MiB | {r['exit']} | "
            f"{r['output_lines']:,} | {'yes' if r['traceback'] else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="0,100000,1000000")
    parser.add_argument("--code", type=Path, default=ROOT / "src")
    parser.add_argument("--memory-limit-gib", type=float, default=None)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    limit = int(arguments.memory_limit_gib * 2**30) if arguments.memory_limit_gib else None
    results = [
        measure(int(n), arguments.code.resolve(), limit, arguments.timeout) for n in arguments.records.split(",")
    ]
    print(table(results, arguments.code), end="")
    if arguments.json:
        arguments.json.write_text(json.dumps({"results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
