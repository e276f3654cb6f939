"""The columns are scanned by their SQL form in DuckDB first, and only a table in which the scan
finds a failure goes through pandera (rules/local.py): the scan must find a failure wherever
pandera does, and valid data must never need pandera."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_data.codebook.registry import CHECKED_TABLES
from alliance_data.curation.derive import derive
from alliance_data.problems import ProblemList
from alliance_data.rules.local import check_columns, columns_pass, rule_connection
from alliance_data.synthetic import MUTATIONS, edited, generate
from conftest import arrow_bytes

ROOT = Path(__file__).resolve().parents[1]


# Each table's verdicts by its name and content: a mutation changes a table or two of the same
# generated corpus, and both verdicts on a table are a function of its rows alone.
_VERDICTS: dict[tuple[str, str], tuple[bool, bool]] = {}


def _verdicts(dataset) -> dict[str, tuple[bool, bool]]:
    """Per table: (the scan passes it, pandera finds nothing in it)."""
    verdicts = {}
    with rule_connection(dataset) as (connection, _):
        for table in CHECKED_TABLES:
            arrow = dataset.table(table.name)
            key = (table.name, hashlib.sha256(arrow_bytes(arrow)).hexdigest())
            if key not in _VERDICTS:
                found = ProblemList(limit=None)
                check_columns(dataset, table, found)
                _VERDICTS[key] = (columns_pass(connection, table, arrow), not found.problems)
            verdicts[table.name] = _VERDICTS[key]
    return verdicts


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_the_column_scan_fails_a_table_wherever_pandera_does(mutation):
    dataset = generate(80)
    with edited(dataset) as corpus:
        assert any(MUTATIONS[mutation](claim, corpus) for claim in corpus.rows["claims"][1:]), mutation
    derive(dataset)
    verdicts = _verdicts(dataset)
    assert {name: scan for name, (scan, _) in verdicts.items()} == {
        name: pandera for name, (_, pandera) in verdicts.items()
    }


def test_a_value_only_the_columns_refuse_fails_the_scan_and_is_reported():
    dataset = generate(40)
    with edited(dataset) as corpus:
        corpus.rows["claims"][3]["statement"] = "a <b>bold</b> claim"
    derive(dataset)
    verdicts = _verdicts(dataset)
    assert verdicts["claims"] == (False, False)
    assert all(scan and clean for name, (scan, clean) in verdicts.items() if name != "claims")


def test_validating_valid_data_never_imports_pandera():
    probe = (
        "import sys\n"
        "from alliance_data.curation.validate import validate\n"
        "validate('data')\n"
        "print(sorted(name for name in ('pandera', 'hypothesis', 'pyspark') if name in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "[]"
