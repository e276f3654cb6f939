"""The command line: thin, clear, non-zero on failure, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from alliance_data.cli import main
from conftest import DATA, replace_in


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_validate_ok():
    result = run("validate", DATA)
    assert result.exit_code == 0 and "valid" in result.output


def test_validate_lists_every_problem_and_exits_non_zero(data_copy):
    replace_in(data_copy / "claims/irda-s3.yaml", "  certainty: asserted\n", "  certainty: sure\n")
    replace_in(data_copy / "topics.yaml", "  kind: history\n", "  kind: histori\n")
    result = subprocess.run(
        [sys.executable, "-m", "alliance_data.cli", "validate", str(data_copy)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "2 problems found; nothing was written." in result.stderr
    assert "irda-s3.yaml:" in result.stderr and "topics.yaml:" in result.stderr


def test_build_refuses_invalid_data_and_writes_nothing(data_copy, tmp_path):
    replace_in(data_copy / "claims/irda-s3.yaml", "  certainty: asserted\n", "  certainty: sure\n")
    result = run("build", data_copy, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()


def test_build_writes_the_outputs(tmp_path):
    result = run("build", DATA, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "claims.parquet").exists()


def test_show_and_describe():
    result = run("show", "claims", "--limit", "2")
    assert result.exit_code == 0 and "irda-s0-001" in result.output
    assert run("describe", "claims").exit_code == 0
    unknown = run("show", "nope")
    assert unknown.exit_code == 2 and "the tables are" in unknown.output


def test_anchor_prints_a_verified_anchor():
    result = run("anchor", DATA / "sources" / "irda.txt", "Economic and Trade Relations are a cornerstone.")
    assert result.exit_code == 0
    assert "char_start: 5878" in result.output and "char_end: 5925" in result.output
    missing = run("anchor", DATA / "sources" / "irda.txt", "not in the text at all")
    assert missing.exit_code == 2 and "not found" in missing.output
