"""The one benchmark command still runs and writes its page (tiny sizes: this checks that it
works, never how fast anything is; the numbers live in docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

# The benchmarks run as their own command, never imported by a test.
pytestmark = pytest.mark.slow


def test_the_benchmark_command_writes_a_page_with_every_target_it_measured(tmp_path):
    page = tmp_path / "benchmarks.md"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "pipeline,peer", "--out", str(page)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    text = page.read_text(encoding="utf-8")
    assert "Machine: " in text and " cores (" in text
    for section in ("## Targets", "## Validation and export at scale", "## Against a peer: frictionless"):
        assert section in text, section
    assert "| cost per claim at" not in text  # no 10k and 1M pair in the quick sizes: no verdict made up
    assert "our validation ≥ 10 × faster than frictionless" in text
    # The measured results and the docs are left alone by a quick run.
    assert "benchmarks-quick-" not in (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")


def test_the_side_by_side_build_times_older_code_with_this_checkouts_worker(tmp_path):
    # fa23be2 predates the package's layout by job: the worker finds its build and checks.
    out = tmp_path / "sides.json"
    command = [sys.executable, "-m", "benchmarks.build_sides", "--size", "300", "--rounds", "1"]
    result = subprocess.run(
        [*command, "--before", "fa23be2", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(out.read_text(encoding="utf-8"))
    assert [run["side"] for run in found["runs"]] == ["fa23be2", "this checkout"]
    assert all(run["build"] > 0 for run in found["runs"])
    assert [run["side"] for run in found["memory"]] == ["fa23be2", "this checkout"]
    assert all(run["peak_pss_build_mib"] > 0 for run in found["memory"])
    assert all(run["validate"] > 0 and sum(run["rows"].values()) > 300 for run in found["alone"])
    assert "| fa23be2 | " in result.stdout and "Build ÷ floor" in result.stdout
