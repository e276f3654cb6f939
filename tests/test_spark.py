"""The table rules on Spark (the rules' own queries in Spark SQL, the column constraints as SQL)
give the verdict check_tables gives on one machine.

One local Spark session for the module, in the spark tier. Not skipped when Java or pyspark is
missing under scripts/test, which installs both (requirements.lock, apt): their absence fails.
"""

from __future__ import annotations

import shutil

import pytest

from alliance_data.distributed.corpus import write_corpus
from alliance_data.distributed.session import local_session
from alliance_data.distributed.validate import spark_sql, validate_corpus
from alliance_data.problems import ValidationFailed
from alliance_data.rules import RULES
from alliance_data.synthetic import (
    MUTATIONS,
    corrupt,
    derive,
    edited,
    generate,
    key_rows_by_table,
    single_machine_keys,
    spark_keys,
)
from conftest import missing_tool

CLAIMS = 1200  # 5 sources: small, and every table and mutation kind is present


pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        missing_tool("Java is missing: bash scripts/test installs Debian's openjdk-17-jre-headless")
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


def test_the_text_kernels_agree_on_both_engines(spark):
    """Each text kernel of the rules gives the same value in DuckDB and in Spark SQL."""
    import duckdb
    import pyarrow as pa

    from alliance_data.rules.columns import sql_fails
    from alliance_data.rules.sql import BLANK, normalized, words
    from rule_texts import texts

    values = texts()
    expressions = [normalized("x"), words("x"), f"regexp_matches(x, '{BLANK}')", sql_fails("plain_text", True, "x")]
    query = "SELECT i, " + ", ".join(f"{e} AS e{n}" for n, e in enumerate(expressions)) + " FROM probe ORDER BY i"
    with duckdb.connect() as connection:
        connection.register("probe", pa.table({"i": list(range(len(values))), "x": values}))
        on_duckdb = [tuple(row) for row in connection.sql(query).fetchall()]
    spark.createDataFrame(list(enumerate(values)), "i bigint, x string").createOrReplaceTempView("probe")
    on_spark = [tuple(row) for row in spark.sql(spark_sql(query)).collect()]
    assert len(on_duckdb) == len(values)
    assert [a for a, b in zip(on_duckdb, on_spark, strict=True) if a != b] == []


def test_every_rule_plans_on_spark(spark, tmp_path):
    """Each rule's one query translates to Spark SQL and plans against the corpus's tables."""
    _, path, _ = _corpus(tmp_path, "plans")
    problems = validate_corpus(spark, path)
    for rule in RULES:
        assert spark.sql(spark_sql(rule.query)).schema.fieldNames()[0] == "_row", rule.check
    assert [str(p) for p in problems.problems if "could not be checked" in p.message] == []


def _opened(node):
    """The plan inside an adaptive plan or a query stage; None for any other node (a cached
    table's scan is a leaf: what built the cache is not this query's work)."""
    name = node.getClass().getSimpleName()
    if name == "AdaptiveSparkPlanExec":
        return node.executedPlan()
    return node.plan() if name.endswith("QueryStageExec") else None


def _nodes(plan):
    """Every node of a physical plan, adaptive plans and query stages opened."""
    yield plan
    inner = _opened(plan)
    children = [inner] if inner is not None else [plan.children().apply(i) for i in range(plan.children().size())]
    for child in children:
        yield from _nodes(child)


def _reads_a_text_table(node):
    """Whether `node` is a cached scan of a text table (its column `text` or `block`)."""
    if node.getClass().getSimpleName() != "InMemoryTableScanExec":
        return False
    output = node.relation().output()
    return bool({output.apply(index).name() for index in range(output.size())} & {"text", "block"})


def _input(node):
    """What `node` reads, followed down through nodes of one input (filters, projections,
    stages) to the first node of none or several: a scan, or a join."""
    while True:
        inner = _opened(node)
        if inner is not None:
            node = inner
        elif node.children().size() == 1:
            node = node.children().apply(0)
        else:
            return node


def test_a_rule_s_join_neither_shuffles_nor_sorts_the_texts(spark, tmp_path):
    """The texts and their blocks are cached laid out and sorted by the columns the rules join
    them on (TEXT_JOIN_KEYS, tied to `with_text` by a default-tier test): no shuffle and no sort
    of a rule's sort-merge join reads a text table."""
    _, path, _ = _corpus(tmp_path, "layout")
    validate_corpus(spark, path)
    rule = next(rule for rule in RULES if rule.check == "quote_at_offsets")
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")  # the joins of a large corpus
    try:
        query = spark.sql(spark_sql(rule.query))
        query.collect()
        plan = query._jdf.queryExecution().executedPlan()
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")
    nodes = list(_nodes(plan))
    names = [node.getClass().getSimpleName() for node in nodes]
    assert "SortMergeJoinExec" in names and "ShuffleExchangeExec" in names  # the rule's own rows move
    assert sum(map(_reads_a_text_table, nodes)) >= 2  # the blocks and the whole texts are both read
    moved = [
        node.toString()
        for node in nodes
        if node.getClass().getSimpleName() in ("ShuffleExchangeExec", "SortExec")
        and _reads_a_text_table(_input(node.children().apply(0)))
    ]
    assert moved == []


def test_valid_corpus_passes_on_both_paths(spark, tmp_path):
    dataset, path, _ = _corpus(tmp_path, "valid")
    problems = validate_corpus(spark, path)
    assert problems.total == 0
    problems.raise_if_any()  # does not raise
    assert single_machine_keys(dataset) == set()


def test_corrupted_corpus_gives_the_same_verdict_on_both_paths(spark, tmp_path):
    # Every mutation kind (corrupt() skips a kind where a claim does not fit it). Keys are
    # (table, record, check): the same check codes on both paths.
    dataset, path, mutated = _corpus(tmp_path, "corrupted", 4 * len(MUTATIONS))
    assert set(mutated.values()) == set(MUTATIONS)
    problems = validate_corpus(spark, path, max_problems=None)
    on_spark, on_one_machine = spark_keys(problems), single_machine_keys(dataset)
    assert on_spark == on_one_machine
    # Not a vacuous agreement: every mutated claim is reported, by a record-level failure.
    flagged = " ".join(str(record) for _, record, _ in on_spark)
    assert [claim for claim in mutated if claim not in flagged] == []
    assert all(record is not None for _, record, _ in on_spark)
    checks = {check for _, _, check in on_spark}
    assert {"foreign_key", "multiple_fields_uniqueness", "enum", "quote_at_offsets"} <= checks
    with pytest.raises(ValidationFailed, match=f"{problems.total:,} problems found"):
        problems.raise_if_any()


def test_column_constraints_on_spark_locate_their_records(spark):
    """Each broken value, key and missing value of a table is found with its record and check."""
    from alliance_data.distributed.corpus import Corpus

    rows = [
        ("area-t1", "area", "Trade", "A valid topic."),
        ("area-t1", "area", "Trade", "The same key again."),
        ("area-t2", "opinion", "Views", "Not a kind of the codebook."),
        ("Area_T3", "area", None, "A bad id and no label."),
    ]
    topics = spark.createDataFrame(rows, "topic_id string, kind string, label string, description string")
    corpus = Corpus({"topics": topics}, texts=None, retired_ids=None)
    from alliance_data.codebook.registry import TABLES_BY_NAME
    from alliance_data.distributed import validate
    from alliance_data.problems import ProblemList

    table = TABLES_BY_NAME["topics"]
    problems = ProblemList(limit=None)
    assert validate._structure_problems(corpus, table, problems)
    topics.createOrReplaceTempView("topics")
    validate._column_problems(table, validate._column_failures(spark, table), problems)
    located = {(p.record_id, p.field, p.check) for p in problems.problems}
    assert located == {
        ("area-t1", None, "multiple_fields_uniqueness"),
        ("area-t2", "kind", "enum"),
        ("Area_T3", "topic_id", "pattern"),
        ("Area_T3", "label", "not_nullable"),
    }
    with pytest.raises(ValidationFailed):
        problems.raise_if_any()


def test_a_table_of_the_wrong_shape_is_reported_not_crashed_on(spark):
    from alliance_data.codebook.registry import TABLES_BY_NAME
    from alliance_data.distributed.corpus import Corpus
    from alliance_data.distributed.validate import _structure_problems
    from alliance_data.problems import ProblemList

    topics = spark.createDataFrame([("area-t1", 3, "x")], "topic_id string, kind bigint, extra string")
    problems = ProblemList(limit=None)
    assert not _structure_problems(Corpus({"topics": topics}, None, None), TABLES_BY_NAME["topics"], problems)
    assert {(p.field, p.check) for p in problems.problems} == {
        ("kind", "dtype"),
        ("label", "column_in_schema"),
        ("description", "column_in_schema"),
        ("extra", "column_in_dataframe"),
    }


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
        ("sections", "syn000001-s2", "sections_do_not_overlap"),
        ("sections", "syn000002-s2", "sections_cover_text"),
        ("sections", "syn000003-s0", "sections_cover_text"),
        ("sections", "syn000004-s5", "sections_cover_text"),
        ("actors", "IRN", "wikidata_qid_unique"),
        ("actors", "RUS", "wikidata_qid_unique"),
        ("claims", claim, "id_not_retired"),
        ("actors", "IRN", "id_not_retired"),
        ("retired_ids", "gone-1", "retired_id_table_known"),
        ("retired_ids", "twice", "multiple_fields_uniqueness"),
    }


def test_broken_sections_actors_and_curation_lists_give_the_same_verdict_on_both_paths(spark, tmp_path):
    dataset = generate(CLAIMS)
    expected = _break_tables(dataset)
    derive(dataset)
    key_rows_by_table(dataset)
    problems = validate_corpus(spark, write_corpus(dataset, tmp_path / "tables"), max_problems=None)
    on_spark, on_one_machine = spark_keys(problems), single_machine_keys(dataset)
    assert on_spark == on_one_machine
    assert expected <= on_spark
