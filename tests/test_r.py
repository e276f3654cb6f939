"""R users' route into a release, run in R itself: examples/r/read_release.R reads the CSV files
with readr, the database with RSQLite and the Stata files with haven (Debian's r-base-core,
r-cran-readr, r-cran-rsqlite and r-cran-haven, which scripts/test installs)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from alliance_data.codebook.registry import TABLES, TABLES_BY_NAME
from conftest import ROOT, missing_tool

pytestmark = pytest.mark.r

SCRIPT = ROOT / "examples" / "r" / "read_release.R"


@pytest.fixture(scope="module")
def r_output(published) -> list[list[str]]:
    rscript = shutil.which("Rscript")
    if rscript is None:
        missing_tool("Rscript is missing: bash scripts/test installs R and its packages")
    directory = published
    result = subprocess.run([rscript, str(SCRIPT), str(directory)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    return [[*line, str(directory)] for line in lines]


def release_dir(r_output) -> Path:
    return Path(r_output[0][-1])


def test_r_reads_every_table_in_three_formats_with_every_row(r_output):
    counts = {line[1]: [int(n) for n in line[2:5]] for line in r_output if line[0] == "rows"}
    assert set(counts) == {table.name for table in TABLES}
    for table, (csv, sqlite, stata) in counts.items():
        expected = pq.read_metadata(release_dir(r_output) / f"{table}.parquet").num_rows
        assert csv == sqlite == stata == expected, table


def test_r_sees_certainty_levels_in_the_codebook_order(r_output):
    [levels] = [line[2] for line in r_output if line[:2] == ["levels", "certainty"]]
    certainty = next(column for column in TABLES_BY_NAME["claims"].columns if column.name == "certainty")
    assert levels.split(",") == certainty.levels
    assert [line[2] for line in r_output if line[:2] == ["ordered", "certainty"]] == ["TRUE"]


def test_r_counts_agree_with_the_parquet_table(r_output):
    counts = {line[1]: int(line[2]) for line in r_output if line[0] == "count"}
    parquet = Counter(pq.read_table(release_dir(r_output) / "claims.parquet").column("certainty").to_pylist())
    assert counts == dict(parquet)
