"""A corpus held column-wise, without the origins of its rows, validates and builds like authored rows."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from alliance_data.build.pipeline import build_dataset
from alliance_data.codebook.registry import TABLES
from alliance_data.curation.reading import Dataset
from alliance_data.curation.validate import validate_dataset
from alliance_data.problems import ProblemList, ValidationFailed
from alliance_data.synthetic import generate


def columnar(read: Dataset) -> Dataset:
    """The tables of a read dataset without the origins of their rows, as a corpus stored column-wise gives them."""
    tables = {spec.name: read.table(spec.name) for spec in TABLES if spec.name != "actor_pairs"}
    return Dataset(read.data_dir, tables, {}, read.texts, {})


def digests(directory):
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    return {path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


@pytest.mark.slow  # a full build or coverage of the whole article
def test_column_wise_and_row_wise_builds_are_byte_identical(tmp_path):
    build_dataset(generate(600), ProblemList(), tmp_path / "rows")
    build_dataset(columnar(generate(600)), ProblemList(), tmp_path / "columns")
    assert digests(tmp_path / "rows") == digests(tmp_path / "columns")


def test_a_bad_value_in_a_column_wise_corpus_is_reported_at_its_row_and_record():
    dataset = columnar(generate(600))
    claims = dataset.table("claims")
    kinds = claims["kind"].to_pylist()
    kinds[123] = "opinion"
    dataset.set_table("claims", claims.set_column(claims.schema.get_field_index("kind"), "kind", pa.array(kinds)))
    with pytest.raises(ValidationFailed) as failure:
        validate_dataset(dataset)
    record = claims["claim_id"][123].as_py()
    in_claims = [problem for problem in failure.value.problems if problem.file.startswith("claims")]
    assert {(p.file, p.record_id) for p in in_claims} == {("claims (row 124)", record)}
    assert any(p.field == "kind" and "opinion" in p.message for p in in_claims)


def test_an_actor_pair_problem_is_reported_at_its_claim():
    dataset = columnar(generate(600))
    actors = dataset.table("claim_actors")
    # An actor nobody defined, in a claim with other actors: claim_actors fails on it, and so
    # does every actor pair it forms, which is reported at the claim the pair comes from.
    claim = actors["claim_id"][0].as_py()
    assert pc.sum(pc.equal(actors["claim_id"], claim)).as_py() >= 2
    ids = actors["actor_id"].to_pylist()
    ids[0] = "NOBODY"
    dataset.set_table(
        "claim_actors", actors.set_column(actors.schema.get_field_index("actor_id"), "actor_id", pa.array(ids))
    )
    with pytest.raises(ValidationFailed) as failure:
        validate_dataset(dataset)
    claims = dataset.table("claims")["claim_id"].to_pylist()
    pairs = [p for p in failure.value.problems if p.field in ("actor_a", "actor_b")]
    assert pairs and {(p.file, p.record_id) for p in pairs} == {(f"claims (row {claims.index(claim) + 1})", claim)}
