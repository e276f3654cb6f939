"""The table rules on Spark (pandera pyspark + Spark joins) give the verdict check_tables gives.

One local Spark session for the module. Not skipped when Java or pyspark is missing: CI
installs both (requirements.lock, .ci/run), so their absence is a failure.
"""

from __future__ import annotations

import pytest
from benchmarks.spark import key_rows_by_table, single_machine_keys, spark_keys
from benchmarks.synthetic import MUTATIONS, corrupt, derive, edited, generate

from alliance_data.distributed.corpus import write_corpus
from alliance_data.distributed.rules import SPARK_RULES, spark_rules
from alliance_data.distributed.session import local_session
from alliance_data.distributed.validate import CorpusInvalid, raise_if_any, schema_failures, validate_corpus
from alliance_data.rules import RULES

CLAIMS = 1200  # 5 sources: small, and every table and mutation kind is present


@pytest.fixture(scope="module")
def spark():
    session = local_session(cores=2, shuffle_partitions=2, driver_memory="1g")
    yield session
    session.stop()


def _corrupted(n_corrupt):
    """A corpus with `n_corrupt` mutations covering every kind: the first seed that does
    (corrupt() skips a kind where the drawn claim does not fit it, e.g. a reversed period
    needs a historical claim with a period)."""
    for seed in range(1, 100):
        dataset = generate(CLAIMS)
        mutated = corrupt(dataset, n_corrupt, seed=seed)
        if set(mutated.values()) == set(MUTATIONS):
            return dataset, mutated
    raise AssertionError("no seed under 100 applies every mutation kind")


def _corpus(tmp_path, name, n_corrupt=0):
    dataset, mutated = _corrupted(n_corrupt) if n_corrupt else (generate(CLAIMS), {})
    derive(dataset)
    key_rows_by_table(dataset)
    return dataset, write_corpus(dataset, tmp_path / name), mutated


def test_every_rule_has_a_spark_form():
    assert {rule.name for rule, _ in spark_rules()} == {rule.name for rule in RULES}
    assert set(SPARK_RULES) == {rule.name for rule in RULES}


def test_valid_corpus_passes_on_both_paths(spark, tmp_path):
    dataset, path, _ = _corpus(tmp_path, "valid")
    failures = validate_corpus(spark, path)
    assert failures == []
    raise_if_any(failures)  # does not raise
    assert single_machine_keys(dataset) == set()


def test_corrupted_corpus_gives_the_same_verdict_on_both_paths(spark, tmp_path):
    # Every mutation kind (corrupt() skips a kind where a claim does not fit it). Keys are
    # (table, record, check); value checks of a column (enum, pattern, length, range, null)
    # compare per field, since check_tables' problems name the field but not the check;
    # rules, foreign keys and uniqueness compare exactly.
    dataset, path, mutated = _corpus(tmp_path, "corrupted", 4 * len(MUTATIONS))
    assert set(mutated.values()) == set(MUTATIONS)
    failures = validate_corpus(spark, path)
    on_spark, on_one_machine = spark_keys(failures), single_machine_keys(dataset)
    assert on_spark == on_one_machine
    # Not a vacuous agreement: every mutated claim is reported, by a record-level failure.
    flagged = " ".join(str(record) for _, record, _ in on_spark)
    assert [claim for claim in mutated if claim not in flagged] == []
    assert all(record is not None for _, record, _ in on_spark)
    kinds = {check.split(":")[0] for _, _, check in on_spark}
    assert {"rule", "fk", "unique", "column"} <= kinds
    with pytest.raises(CorpusInvalid, match=f"{len(failures)} failures in the corpus"):
        raise_if_any(failures)


def test_a_failing_pandera_validation_becomes_a_failure(spark):
    """pandera's pyspark backend collects errors instead of raising; they must not pass silently."""
    from alliance_data.distributed.corpus import Corpus
    from alliance_data.distributed.validate import pandera_errors
    from alliance_data.registry import TABLES_BY_NAME

    table = TABLES_BY_NAME["topics"]
    rows = [
        ("area-t1", "area", "Trade", "A valid topic."),
        ("area-t1", "area", "Trade", "The same key again."),
        ("area-t2", "opinion", "Views", "Not a kind of the codebook."),
        ("Area_T3", "area", None, "A bad id and no label."),
    ]
    topics = spark.createDataFrame(rows, "topic_id string, kind string, label string, description string")
    assert pandera_errors(topics, table)  # pandera found something, without raising
    corpus = Corpus({"topics": topics}, texts=None, retired_ids=None)
    failures = [tuple(row) for part in schema_failures(spark, corpus, table) for row in part.collect()]
    located = {(record, field, check) for _, record, field, check, _ in failures}
    assert located == {
        ("area-t1", None, "unique"),
        ("area-t2", "kind", "enum"),
        ("Area_T3", "topic_id", "pattern"),
        ("Area_T3", "label", "not_nullable"),
    }
    with pytest.raises(CorpusInvalid):
        raise_if_any(failures)


def _break_tables(dataset):
    """Break the tables other than claims once for each rule about them; the keys
    (table, record, check) both paths must report."""
    with edited(dataset) as corpus:
        return _break_rows(corpus.rows)


def _break_rows(rows):
    sections = {row["section_id"]: row for row in rows["sections"]}
    sections["syn000001-s1"]["char_end"] += 5  # runs into syn000001-s2
    sections["syn000002-s1"]["char_end"] -= 1  # its last full stop lies in no section
    sections["syn000004-s5"]["char_end"] -= 1  # so does the text's last full stop
    next(row for row in rows["sources"] if row["source_id"] == "syn000003")["title"] = "Another Title"
    actors = {row["actor_id"]: row for row in rows["actors"]}
    actors["IRN"]["wikidata_qid"] = actors["RUS"]["wikidata_qid"] = "Q794"
    claim = rows["claims"][0]["claim_id"]
    rows["retired_ids"] = [
        {"id": claim, "table": "claims", "reason": "merged"},
        {"id": "IRN", "table": "actors", "reason": "renamed"},
        {"id": "gone-1", "table": "claimz", "reason": "typo in the table"},
        {"id": "twice", "table": "topics", "reason": "first"},
        {"id": "twice", "table": "topics", "reason": "second"},
    ]
    return {
        ("sections", "syn000001-s2", "rule:sections_do_not_overlap"),
        ("sections", "syn000002-s2", "rule:sections_cover_text"),
        ("sections", "syn000003-s0", "rule:sections_cover_text"),
        ("sections", "syn000004-s5", "rule:sections_cover_text"),
        ("actors", "IRN", "rule:wikidata_qid_unique"),
        ("actors", "RUS", "rule:wikidata_qid_unique"),
        ("claims", claim, "rule:id_not_retired"),
        ("actors", "IRN", "rule:id_not_retired"),
        ("retired_ids", "gone-1", "rule:retired_id_table_known"),
        ("retired_ids", "twice", "unique"),
    }


def test_broken_sections_actors_and_curation_lists_give_the_same_verdict_on_both_paths(spark, tmp_path):
    dataset = generate(CLAIMS)
    expected = _break_tables(dataset)
    derive(dataset)
    key_rows_by_table(dataset)
    failures = validate_corpus(spark, write_corpus(dataset, tmp_path / "tables"))
    on_spark, on_one_machine = spark_keys(failures), single_machine_keys(dataset)
    assert on_spark == on_one_machine
    assert expected <= on_spark
