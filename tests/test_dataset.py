"""A Dataset holds each table once: every reader of it (counts, coverage, reliability, origins)
sees the same rows, and reading it changes nothing on it."""

from __future__ import annotations

import copy

import pyarrow as pa
import pytest

from alliance_data.codebook.registry import CHECKED_TABLES, TABLES
from alliance_data.curation.coverage import read_exclusions, sentences, undecided_signals, unlinked_claims
from alliance_data.curation.derive import derive
from alliance_data.curation.reading import Dataset, read_dataset
from alliance_data.curation.validate import row_counts, validate
from alliance_data.problems import ProblemList
from conftest import DATA


@pytest.fixture(scope="module")
def validated() -> Dataset:
    return validate(DATA)


def without_origins(dataset: Dataset) -> Dataset:
    """The same tables as a corpus stored column-wise gives them: no origins of the rows."""
    return Dataset(dataset.data_dir, dict(dataset.tables), {}, dataset.texts, dict(dataset.retired_ids))


def test_every_authored_row_has_its_origin_and_counts_come_from_the_tables():
    problems = ProblemList()
    dataset = read_dataset(DATA, problems)
    assert not problems
    for table in CHECKED_TABLES:
        rows = dataset.table(table.name)
        assert isinstance(rows, pa.Table) and rows.column_names == table.column_names
        if table.name != "actor_pairs":  # derived: its rows are reported at their claims
            assert len(dataset.origins[table.name]) == rows.num_rows, table.name
    derive(dataset)
    counts = row_counts(dataset)
    assert counts == {table.name: dataset.table(table.name).num_rows for table in TABLES}
    assert counts["actor_pairs"] > 0 and counts["certainty_cues"] > len(dataset.origins["certainty_cues"])


def test_coverage_reads_the_tables_so_a_corpus_without_origins_gives_the_same_report(validated):
    exclusions = read_exclusions(DATA, ProblemList())
    corpus = without_origins(validated)
    assert sentences(corpus, exclusions) == sentences(validated, exclusions)
    assert any(unit.status == "covered" for unit in sentences(corpus, exclusions))
    assert unlinked_claims(corpus) == unlinked_claims(validated)
    assert undecided_signals(corpus) == undecided_signals(validated)


def test_looking_up_origins_leaves_the_dataset_as_it_was(validated):
    dataset = copy.copy(validated)
    before = dict(vars(dataset))
    pairs = dataset.table("actor_pairs")
    claims = dataset.table("claims")["claim_id"].to_pylist()
    for index in (0, pairs.num_rows - 1):
        origin = dataset.origin("actor_pairs", index)
        claim = pairs["claim_id"][index].as_py()
        assert origin == dataset.origin("claims", claims.index(claim)) and origin.record_id == claim
    assert vars(dataset) == before  # no lookup kept on the object


def test_a_locator_finds_the_same_origins_as_origin(validated):
    for name in ("claims", "actor_pairs", "certainty_cues"):
        locate = validated.locator(name)
        rows = validated.table(name).num_rows
        assert [locate(index) for index in range(rows)] == [validated.origin(name, index) for index in range(rows)]
        assert locate(rows) is None and validated.origin(name, rows) is None


def test_a_replaced_table_is_what_every_reader_sees(validated):
    dataset = without_origins(validated)
    claims = dataset.table("claims")
    dataset.set_table("claims", claims.slice(0, 10))
    assert row_counts(dataset)["claims"] == 10
    assert len(unlinked_claims(dataset)) <= 10
    assert dataset.origin("claims", 9).file == "claims (row 10)" and dataset.origin("claims", 10) is None
