"""Two designs for "each table rule defined once, run on one machine and on Spark", measured.

    python -m benchmarks.rule_engines --sizes 205 1000000     # wrap in flock /tmp/bench.lock

The same subset of today's checks, built three ways and run on two engines each:

- today: `alliance_data.rules` (pandera pandas + the Arrow/pandas rule functions) on one machine,
  `alliance_data.distributed` (pandera pyspark + the Spark joins) on Spark, as they were before
  the rules became queries (commit 8c89b72: run `--paths today` from a checkout of it);
- A, pandera's Ibis backend (`pandera.ibis`): one column schema derived from the registry and
  each cross-table rule as a dataframe-level check (an ibis expression) on the claims joined as
  the rule needs; run by ibis on DuckDB and on ibis's pyspark backend;
- B, SQL: the column checks as one failing-rows query derived from the registry, each
  cross-table rule as one failing-rows query in DuckDB's dialect; run by DuckDB over the Arrow
  tables (registered, zero-copy) and, transpiled by sqlglot (read="duckdb", write="spark"), by
  Spark SQL over temp views of the partitioned corpus. Python only turns rows into messages.

The subset: the column checks of `claims` (types, not-null, enumerations, patterns, lengths,
plain text, the unique key) and the foreign key claims.topic_id -> topics with the rules
quote_at_offsets, span_inside_section, topic_kind_matches, certainty_follows_hedge_cues and
statement_in_own_words.

Per size: 205 is the curated data (valid); every size is also run on a synthetic corpus of that
size with `corrupt()` mutations, where all six paths must report the same failures, compared as
sets of (check, claim_id) for rules and (field, check, value) for column checks. At 1,000,000
claims only the corrupted corpus is run (the timed one). Each (path, corpus) runs in a fresh
process, so its peak memory is its own. Results: benchmarks/results/rule_engines.{json,md}.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CORRUPTED = {205: 26}  # mutations per corrupted corpus; 52 (every kind twice) above
TABLE = "claims"
SUBSET_RULES = (
    "quote_at_offsets",
    "span_inside_section",
    "topic_kind_matches",
    "certainty_follows_hedge_cues",
    "statement_in_own_words",
)
FK = "fk:topics.topic_id"
PATHS = (
    ("today", "local"),
    ("today", "spark"),
    ("A", "duckdb"),
    ("A", "spark"),
    ("B", "duckdb"),
    ("B", "spark"),
)

# =======================================================================================
# Corpora: the curated data, or a synthetic one, as the partitioned Parquet corpus.


def write_curated(directory: Path) -> dict[str, Any]:
    from alliance_data.curation.derive import derive
    from alliance_data.curation.validate import read
    from alliance_data.distributed.corpus import write_corpus

    dataset, problems = read(ROOT / "data")
    problems.raise_if_any()
    derive(dataset)
    write_corpus(dataset, directory)
    return {"claims": dataset.table(TABLE).num_rows, "mutations": {}}


def write_synthetic(directory: Path, n_claims: int, n_corrupt: int) -> dict[str, Any]:
    from alliance_data.distributed.corpus import write_corpus
    from benchmarks.synthetic import corrupt, derive, generate

    dataset = generate(n_claims)
    mutations = corrupt(dataset, n_corrupt, seed=1)
    derive(dataset)
    write_corpus(dataset, directory)
    return {"claims": n_claims, "mutations": mutations}


def read_local(directory: Path) -> dict[str, Any]:
    """The corpus as Arrow tables (claims in model column order), for the single-machine paths."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from alliance_data.codebook.registry import TABLES_BY_NAME

    partitioning = ds.partitioning(pa.schema([("source_id", pa.string())]), flavor="hive")
    claims = ds.dataset(directory / TABLE, format="parquet", partitioning=partitioning).to_table()
    tables = {TABLE: claims.select(TABLES_BY_NAME[TABLE].column_names)}
    for name in ("topics", "sections", "certainty_cues", "source_texts"):
        tables[name] = pq.read_table(directory / f"{name}.parquet")
    return tables


def spark_views(spark: Any, directory: Path) -> Any:
    """The corpus as Spark temp views (as `distributed.corpus.read_corpus` opens it)."""
    from alliance_data.distributed.corpus import read_corpus

    corpus = read_corpus(spark, directory)
    for name in ("claims", "topics", "sections", "certainty_cues"):
        corpus[name].createOrReplaceTempView(name)
    corpus.texts.createOrReplaceTempView("source_texts")
    return corpus


# =======================================================================================
# The lookup tables the certainty rule needs, from the one cue table (hedging.HEDGE_CUES).


def certainty_tables() -> dict[str, Any]:
    import pyarrow as pa

    from alliance_data.codebook.hedging import HEDGE_CUES
    from alliance_data.codebook.vocabulary import Certainty

    levels = list(Certainty)
    return {
        "hedge_cue_ranks": pa.table(
            {"cue": list(HEDGE_CUES), "rank": [levels.index(level) for level in HEDGE_CUES.values()]}
        ),
        "certainty_ranks": pa.table({"rank": list(range(len(levels))), "level": [level.value for level in levels]}),
    }


# =======================================================================================
# Design B: failing-rows queries, written once in DuckDB's dialect.

# Punctuation, symbols, separators and the other characters Python's str.isspace() knows:
# RE2 (DuckDB) and java.util.regex (Spark) read this class alike.
SEPARATORS = r"[\pP\pS\pZ\t\n\x0b\x0c\r\x1c-\x1f\x{85}]+"


def _context() -> int:
    from alliance_data.codebook.identifiers import CONTEXT_CHARS

    return CONTEXT_CHARS


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_conditions(table_name: str = TABLE) -> list[tuple[str, str, str]]:
    """(field, check, SQL condition that a failing value meets) for each value check of the
    table's columns, derived from the registry as `rules._column_checks` derives pandera's."""
    from alliance_data.codebook import plain_text
    from alliance_data.codebook.registry import TABLES_BY_NAME

    conditions = []
    for column in TABLES_BY_NAME[table_name].columns:
        name = f'"{column.name}"'
        if not column.nullable:
            conditions.append((column.name, "not_nullable", f"{name} IS NULL"))
        if column.enum:
            conditions.append((column.name, "enum", f"{name} NOT IN ({', '.join(map(_literal, column.levels))})"))
        if column.pattern:
            conditions.append((column.name, "pattern", f"NOT regexp_matches({name}, {_literal(column.pattern)})"))
        if column.min_length:
            conditions.append((column.name, "min_length", f"length({name}) < {column.min_length}"))
        if column.max_length:
            conditions.append((column.name, "max_length", f"length({name}) > {column.max_length}"))
        if column.plain:
            hidden, shown = _literal(plain_text.refused_pattern()), _literal(plain_text.visible_class())
            condition = f"(regexp_matches({name}, {hidden}) OR NOT regexp_matches({name}, {shown}))"
            conditions.append((column.name, "plain_text", condition))
        if column.ge is not None:
            conditions.append((column.name, "ge", f"{name} < {column.ge}"))
        if column.le is not None:
            conditions.append((column.name, "le", f"{name} > {column.le}"))
    return conditions


def column_query(table_name: str = TABLE) -> str:
    """One scan: the rows failing any value check, with one boolean per check."""
    from alliance_data.codebook.registry import TABLES_BY_NAME

    conditions = column_conditions(table_name)
    flags = ",\n  ".join(f"coalesce({sql}, false) AS f{index}" for index, (_, _, sql) in enumerate(conditions))
    any_fails = "\n  OR ".join(f"coalesce({sql}, false)" for _, _, sql in conditions)
    columns = ", ".join(f'"{name}"' for name in TABLES_BY_NAME[table_name].column_names)
    return f"SELECT {columns},\n  {flags}\nFROM {table_name}\nWHERE {any_fails}"


def unique_query(table_name: str = TABLE) -> str:
    from alliance_data.codebook.registry import TABLES_BY_NAME

    key = ", ".join(TABLES_BY_NAME[table_name].primary_key)
    return f"SELECT {key} FROM {table_name} GROUP BY {key} HAVING count(*) > 1"


def rule_queries() -> dict[str, str]:
    """Each rule of the subset: the claims that fail it (a row whose parent is unknown passes;
    the foreign key reports it once, as on both of today's paths)."""
    width = _context()
    return {
        FK: """
SELECT c.* FROM claims c
WHERE c.topic_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.topic_id = c.topic_id)""",
        "quote_at_offsets": f"""
SELECT c.* FROM claims c JOIN source_texts s ON s.source_id = c.source_id
WHERE NOT coalesce(
  c.char_start >= 0 AND c.char_start < c.char_end AND c.char_end <= length(s.text)
  AND substring(s.text, c.char_start + 1, c.char_end - c.char_start) = c.quote
  AND substring(s.text, greatest(0, c.char_start - {width}) + 1,
                c.char_start - greatest(0, c.char_start - {width})) = c.prefix
  AND substring(s.text, c.char_end + 1, {width}) = c.suffix, false)""",
        "span_inside_section": """
SELECT c.* FROM claims c JOIN sections s ON s.section_id = c.section_id
WHERE NOT coalesce(s.body_start <= c.char_start AND c.char_start < c.char_end
                   AND c.char_end <= s.char_end, false)""",
        "topic_kind_matches": """
SELECT c.* FROM claims c JOIN topics t ON t.topic_id = c.topic_id
WHERE NOT coalesce(t.kind = c.kind, false)""",
        "certainty_follows_hedge_cues": """
WITH per_claim AS (
  SELECT k.claim_id, max(h.rank) AS rank, sum(CASE WHEN h.cue IS NULL THEN 1 ELSE 0 END) AS unknown
  FROM certainty_cues k LEFT JOIN hedge_cue_ranks h ON h.cue = k.cue
  GROUP BY k.claim_id)
SELECT c.* FROM claims c
LEFT JOIN per_claim p ON p.claim_id = c.claim_id
LEFT JOIN certainty_ranks l ON l.rank = coalesce(p.rank, 0)
WHERE coalesce(coalesce(p.unknown, 0) = 0 AND c.certainty = l.level, false) = (c.hedge_note IS NOT NULL)""",
        "statement_in_own_words": f"""
SELECT c.* FROM claims c
WHERE NOT coalesce(trim(regexp_replace(lower(c.statement), {_literal(SEPARATORS)}, ' ', 'g'))
                <> trim(regexp_replace(lower(c.quote), {_literal(SEPARATORS)}, ' ', 'g')), false)""",
    }


def spark_sql(query: str) -> str:
    import sqlglot

    return sqlglot.transpile(query, read="duckdb", write="spark")[0]


def _type_failures(schema: dict[str, str], table_name: str = TABLE) -> set[tuple]:
    """Columns whose engine type is not the model's (a whole-column failure, no value)."""
    from alliance_data.codebook.registry import TABLES_BY_NAME

    wanted = {"integer": ("int64", "bigint", "longtype")}
    failures = set()
    for column in TABLES_BY_NAME[table_name].columns:
        found = schema.get(column.name, "missing").lower()
        ok = found in wanted["integer"] if column.dtype == "integer" else found in ("string", "varchar", "stringtype")
        if not ok:
            failures.add(("column", column.name, "dtype", found))
    return failures


def _column_keys(rows: list[dict[str, Any]], conditions: list[tuple[str, str, str]]) -> set[tuple]:
    keys = set()
    for row in rows:
        for index, (field, check, _) in enumerate(conditions):
            if row[f"f{index}"]:
                keys.add(("column", field, check, _shown(row[field])))
    return keys


def _shown(value: Any) -> str:
    return "null" if value is None else repr(value)[:60]


def _messages(check: str, rows: list[dict[str, Any]]) -> list[str]:
    """What a curator reads: the failing record and the fix (here: the rule's fix from RULES)."""
    from alliance_data.rules import RULES

    fixes = {f"rule:{getattr(rule, 'check', None) or rule.name}": rule.fix for rule in RULES if rule.table == TABLE}
    fix = fixes.get(check, "use an existing topics.topic_id (or add it to its table first)")
    return [f"claims record {row['claim_id']}: {check}: {fix}" for row in rows]


def run_b(engine: str, directory: Path, spark: Any = None) -> dict[str, Any]:
    conditions, rules = column_conditions(), rule_queries()
    result: dict[str, Any] = {}
    if engine == "duckdb":
        import duckdb

        tables = {**read_local(directory), **certainty_tables()}
        started = time.perf_counter()
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        for name, table in tables.items():
            con.register(name, table)  # an Arrow scan, no copy

        def run(query: str) -> list[dict[str, Any]]:
            return con.execute(query).to_arrow_table().to_pylist()

        schema = {
            name: str(kind) for name, kind in zip(tables[TABLE].column_names, tables[TABLE].schema.types, strict=True)
        }
        result["setup"] = time.perf_counter() - started
    else:
        spark_views(spark, directory)
        for name, table in certainty_tables().items():
            spark.createDataFrame(table.to_pylist()).createOrReplaceTempView(name)
        rules = {check: spark_sql(query) for check, query in rules.items()}
        column_sql, unique_sql = spark_sql(column_query()), spark_sql(unique_query())

        def run(query: str) -> list[dict[str, Any]]:
            return [row.asDict() for row in spark.sql(query).collect()]

        schema = {field.name: type(field.dataType).__name__ for field in spark.table(TABLE).schema.fields}
    started = time.perf_counter()
    keys = _type_failures(schema)
    keys |= _column_keys(run(column_query() if engine == "duckdb" else column_sql), conditions)
    keys |= {("unique", row["claim_id"]) for row in run(unique_query() if engine == "duckdb" else unique_sql)}
    result["columns"] = time.perf_counter() - started
    started = time.perf_counter()
    messages, result["per_rule"] = [], {}
    for check, query in rules.items():
        begun = time.perf_counter()
        rows = run(query)
        result["per_rule"][check] = time.perf_counter() - begun
        name = check if check == FK else f"rule:{check}"
        keys |= {(name, row["claim_id"]) for row in rows}
        messages += _messages(name, rows)
    result["rules"] = time.perf_counter() - started
    result["keys"], result["messages"] = keys, len(messages)
    return result


# =======================================================================================
# Design A: pandera's Ibis backend, one schema for both engines.


def _ibis_dtype(column: Any) -> Any:
    import ibis.expr.datatypes as dt

    return dt.int64 if column.dtype == "integer" else dt.string


def ibis_column_schema(table_name: str = TABLE) -> Any:
    """The pandera.ibis schema of the table's columns, from the registry."""
    import pandera.ibis as pa

    from alliance_data.codebook import plain_text
    from alliance_data.codebook.registry import TABLES_BY_NAME

    table = TABLES_BY_NAME[table_name]
    columns = {}
    for column in table.columns:
        checks = []
        if column.enum:
            checks.append(pa.Check.isin(column.levels, name="enum"))
        if column.pattern:
            checks.append(pa.Check.str_matches(column.pattern, name="pattern"))
        if column.min_length:
            checks.append(pa.Check.str_length(min_value=column.min_length, name="min_length"))
        if column.max_length:
            checks.append(pa.Check.str_length(max_value=column.max_length, name="max_length"))
        if column.plain:
            # RE2 and Java share this class syntax; Check.str_matches would anchor a lookahead
            # pattern RE2 cannot run.
            hidden, shown = plain_text.refused_pattern(), plain_text.visible_class()
            checks.append(
                pa.Check(
                    lambda data, h=hidden, s=shown: (
                        ~data.table[data.key].re_search(h) & data.table[data.key].re_search(s)
                    ),
                    name="plain_text",
                )
            )
        if column.ge is not None:
            checks.append(pa.Check.ge(column.ge, name="ge"))
        if column.le is not None:
            checks.append(pa.Check.le(column.le, name="le"))
        columns[column.name] = pa.Column(_ibis_dtype(column), checks, nullable=column.nullable)
    return pa.DataFrameSchema(columns, unique=list(table.primary_key), strict=True, name=table_name)


def ibis_rules(t: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each rule of the subset: (the table it checks, joined as needed; the check: an ibis boolean
    per row of that table). The joins come first because a check must return a boolean column of
    the table it is given: pandera lines up a returned table with its input by position."""
    import ibis

    from alliance_data.codebook.hedging import HEDGE_CUES
    from alliance_data.codebook.vocabulary import Certainty

    width = _context()
    claims, topics = t["claims"], t["topics"]
    texts = t["source_texts"].rename(text_source="source_id")
    sections = t["sections"].select(s_section="section_id", s_body_start="body_start", s_end="char_end")
    kinds = topics.select(t_topic="topic_id", t_kind="kind")
    levels = list(Certainty)
    cues = t["certainty_cues"]
    rank = ibis.cases(*((cues.cue == cue, levels.index(level)) for cue, level in HEDGE_CUES.items()), else_=None)
    ranks = cues.mutate(rank=rank)
    per_claim = ranks.group_by(k_claim=ranks.claim_id).aggregate(
        k_rank=ranks.rank.max(), k_unknown=ranks.rank.isnull().cast("int64").sum()
    )

    def quote_ok(data: Any) -> Any:
        x = data.table
        start, end, text = x.char_start, x.char_end, x.text
        before = ibis.greatest(0, start - width)
        ok = (start >= 0) & (start < end) & (end <= text.length())
        ok &= text.substr(start, end - start) == x.quote
        ok &= (text.substr(before, start - before) == x.prefix) & (text.substr(end, width) == x.suffix)
        return ok.fill_null(False)

    def certainty_ok(data: Any) -> Any:
        x = data.table
        rank = x.k_rank.fill_null(0)
        level = ibis.cases(*((rank == index, level.value) for index, level in enumerate(levels)), else_=None)
        expected = ibis.cases((x.k_unknown.fill_null(0) == 0, level), else_=None)
        return (x.certainty == expected).fill_null(False) != x.hedge_note.notnull()

    def normalized(value: Any) -> Any:
        return value.lower().re_replace(SEPARATORS, " ").strip()

    return {
        FK: (claims, lambda data: data.table.topic_id.isnull() | data.table.topic_id.isin(topics.topic_id)),
        "rule:quote_at_offsets": (claims.inner_join(texts, claims.source_id == texts.text_source), quote_ok),
        "rule:span_inside_section": (
            claims.inner_join(sections, claims.section_id == sections.s_section),
            lambda data: (
                (data.table.s_body_start <= data.table.char_start)
                & (data.table.char_start < data.table.char_end)
                & (data.table.char_end <= data.table.s_end)
            ).fill_null(False),
        ),
        "rule:topic_kind_matches": (
            claims.inner_join(kinds, claims.topic_id == kinds.t_topic),
            lambda data: (data.table.t_kind == data.table.kind).fill_null(False),
        ),
        "rule:certainty_follows_hedge_cues": (
            claims.left_join(per_claim, claims.claim_id == per_claim.k_claim),
            certainty_ok,
        ),
        "rule:statement_in_own_words": (
            claims,
            lambda data: (normalized(data.table.statement) != normalized(data.table.quote)).fill_null(False),
        ),
    }


# pandera.ibis names a failing built-in check by its text, not by the `name` it was given.
_IBIS_CHECKS = (
    ("isin(", "enum"),
    ("str_matches(", "pattern"),
    ("str_length(None", "max_length"),
    ("str_length(", "min_length"),
    ("greater_than_or_equal_to(", "ge"),
    ("less_than_or_equal_to(", "le"),
)


def _ibis_check_name(check: str) -> str:
    return next((name for prefix, name in _IBIS_CHECKS if check.startswith(prefix)), check)


def _pandera_keys(error: Any, rule: str | None = None) -> set[tuple]:
    """pandera.ibis's failure cases as comparison keys: a rule's rows by claim_id, a column
    check's by value. A column check's case is a one-entry dict {column: value} (the case's
    `column` says "failure_case"); a duplicate key's case is the unexecuted ibis expression of
    the duplicated rows, run here."""
    keys = set()
    for case in error.failure_cases.to_dict("records"):
        value, check = case["failure_case"], str(case["check"])
        if rule is not None:
            keys.add((rule, value["claim_id"]))
        elif check == "multiple_fields_uniqueness":
            keys |= {("unique", claim) for claim in value.select("claim_id").to_pyarrow()["claim_id"].to_pylist()}
        elif isinstance(value, dict) and len(value) == 1:
            ((column, shown),) = value.items()
            keys.add(("column", column, _ibis_check_name(check), _shown(shown)))
        else:
            shown = None if value is None or value != value else value
            keys.add(("column", case["column"], _ibis_check_name(check), _shown(shown)))
    return keys


def run_a(engine: str, directory: Path, spark: Any = None) -> dict[str, Any]:
    import ibis
    import pandera.ibis as pa

    result: dict[str, Any] = {}
    started = time.perf_counter()
    if engine == "duckdb":
        con = ibis.duckdb.connect(threads=2)
        for name, table in read_local(directory).items():
            con.con.register(name, table)  # DuckDB's own zero-copy Arrow scan
    else:
        spark_views(spark, directory)
        con = ibis.pyspark.connect(spark)
    tables = {name: con.table(name) for name in ("claims", "topics", "sections", "certainty_cues", "source_texts")}
    result["setup"] = time.perf_counter() - started
    keys: set[tuple] = set()
    started = time.perf_counter()
    try:
        ibis_column_schema().validate(tables[TABLE], lazy=True)
    except pa.errors.SchemaErrors as error:
        keys |= _pandera_keys(error)
    result["columns"] = time.perf_counter() - started
    started = time.perf_counter()
    messages, result["per_rule"] = 0, {}
    for check, (table, passes) in ibis_rules(tables).items():
        begun = time.perf_counter()
        try:
            pa.DataFrameSchema(checks=[pa.Check(passes, name=check)]).validate(table, lazy=True)
        except pa.errors.SchemaErrors as error:
            found = _pandera_keys(error, check)
            keys |= found
            messages += len(_messages(check, [{"claim_id": claim} for _, claim in found]))
        result["per_rule"][check] = time.perf_counter() - begun
    result["rules"] = time.perf_counter() - started
    result["keys"], result["messages"] = keys, messages
    return result


# =======================================================================================
# Today's code on the same subset, for reference.


def run_today(engine: str, directory: Path, spark: Any = None) -> dict[str, Any]:
    return _today_local(directory) if engine == "local" else _today_spark(spark, directory)


def _today_local(directory: Path) -> dict[str, Any]:
    import pandas as pd
    import pandera.pandas as pa

    from alliance_data.codebook.registry import TABLES_BY_NAME
    from alliance_data.curation.reading import Dataset
    from alliance_data.rules import RULES, _foreign_key_check, _frame, table_schema

    tables = read_local(directory)
    texts = dict(
        zip(tables["source_texts"]["source_id"].to_pylist(), tables["source_texts"]["text"].to_pylist(), strict=True)
    )
    dataset = Dataset(directory, {}, {}, texts, {}, columns={k: v for k, v in tables.items() if k != "source_texts"})
    table = TABLES_BY_NAME[TABLE]
    result: dict[str, Any] = {"setup": 0.0}
    keys: set[tuple] = set()
    started = time.perf_counter()
    frame = _frame(dataset, table)
    try:
        table_schema(table).validate(frame, lazy=True)  # columns only: no dataset, no rules
    except pa.errors.SchemaErrors as error:
        for case in error.failure_cases.to_dict("records"):
            check, index = str(case["check"]), case["index"]
            claim = frame.loc[int(index), "claim_id"] if index is not None and pd.notna(index) else None
            if check == "multiple_fields_uniqueness":
                keys.add(("unique", claim))
            else:
                value = case["failure_case"]
                keys.add(("column", case["column"], check, _shown(None if pd.isna(value) else value)))
    result["columns"] = time.perf_counter() - started
    started = time.perf_counter()
    key = next(key for key in table.foreign_keys if key.table == "topics")
    passes = {FK: lambda frame, ds: _foreign_key_check(ds, key)(frame["topic_id"])}
    passes |= {f"rule:{rule.name}": rule.passes for rule in RULES if rule.table == TABLE and rule.name in SUBSET_RULES}
    messages = 0
    for check, test in passes.items():
        failing = frame[~test(frame, dataset).to_numpy()]
        keys |= {(check, claim) for claim in failing["claim_id"].tolist()}
        messages += len(failing)
    result["rules"] = time.perf_counter() - started
    result["keys"], result["messages"] = keys, messages
    return result


def _today_spark(spark: Any, directory: Path) -> dict[str, Any]:
    from alliance_data.distributed.schemas import UNIQUE, failing_rows

    from alliance_data.codebook.registry import TABLES_BY_NAME
    from alliance_data.distributed import rules as spark_rules
    from alliance_data.distributed.validate import pandera_errors

    corpus = spark_views(spark, directory)
    table = TABLES_BY_NAME[TABLE]
    frame = corpus[TABLE]
    result: dict[str, Any] = {"setup": 0.0}
    keys: set[tuple] = set()
    started = time.perf_counter()
    for error in pandera_errors(frame, table):
        column, check = error.get("column"), str(error.get("check"))
        rows = failing_rows(frame, table, None if check == UNIQUE else column, check)
        if rows is None:
            keys.add(("column", column, check, "whole column"))
        elif check == UNIQUE:
            keys |= {("unique", row["claim_id"]) for row in rows.select("claim_id").collect()}
        else:
            keys |= {("column", column, check, _shown(row[column])) for row in rows.select(column).collect()}
    result["columns"] = time.perf_counter() - started
    started = time.perf_counter()
    key = next(key for key in table.foreign_keys if key.table == "topics")
    failing = {FK: spark_rules.foreign_key_failures(corpus, table, key)}
    failing |= {f"rule:{name}": spark_rules.SPARK_RULES[name](corpus) for name in SUBSET_RULES}
    messages = 0
    for check, rows in failing.items():
        found = rows.select("claim_id").collect()
        keys |= {(check, row["claim_id"]) for row in found}
        messages += len(found)
    result["rules"] = time.perf_counter() - started
    result["keys"], result["messages"] = keys, messages
    return result


# =======================================================================================
# One path on one corpus, in this process (called in a fresh subprocess by the driver).


def _jvm_peak_mib(spark: Any) -> float | None:
    from .spark import jvm_peak_mib

    return jvm_peak_mib(spark)


def run_one(design: str, engine: str, directory: Path) -> dict[str, Any]:
    spark, jobs = None, {}
    if engine == "spark":
        from alliance_data.distributed.session import local_session

        started = time.perf_counter()
        spark = local_session(2, 8, "4g")
        session = time.perf_counter() - started
    runner = {"today": run_today, "A": run_a, "B": run_b}[design]
    if engine == "spark":
        import alliance_data.rules  # the fix texts of the messages, imported before the timing
    else:
        # As `validate.check` imports pandera on one machine: without pyspark's pandas shims.
        from alliance_data.rules.pandera_import import without_pyspark

        with without_pyspark():
            import alliance_data.rules  # noqa: F401  (pandera.pandas)

            if design == "A":
                import pandera.ibis  # noqa: F401
    if spark is not None:
        # Spark jobs per phase: the driver's job ids before and after, from the status tracker.
        tracker = spark.sparkContext.statusTracker()
        spark.sparkContext.setJobGroup("run", "rule engines")
        before = set(tracker.getJobIdsForGroup("run"))
    result = runner(engine, directory, spark)
    if spark is not None:
        jobs = {"spark_jobs": len(set(tracker.getJobIdsForGroup("run")) - before)}
        result["session"] = session
        result["jvm_peak_mib"] = _jvm_peak_mib(spark)
        spark.stop()
    result |= jobs
    result["python_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["load_average"] = os.getloadavg()[0]  # the machine is shared: how busy it was
    result["pyspark_imported"] = "pyspark" in sys.modules
    result["keys"] = sorted(map(list, result["keys"]), key=str)
    return result


# =======================================================================================
# Import cost of each local path, in fresh interpreters.

IMPORTS = {
    "today local (alliance_data.rules, pandera pandas)": (
        "from alliance_data.rules.pandera_import import without_pyspark\n"
        "with without_pyspark():\n    import alliance_data.rules"
    ),
    "A local (pandera.ibis + ibis duckdb backend)": (
        "import pandera.ibis, ibis\nibis.duckdb\nimport alliance_data.codebook.registry, alliance_data.codebook.hedging"
    ),
    "A local, pyspark hidden (without_pyspark)": (
        "from alliance_data.rules.pandera_import import without_pyspark\n"
        "with without_pyspark():\n    import pandera.ibis, ibis\n    ibis.duckdb\n"
        "import alliance_data.codebook.registry, alliance_data.codebook.hedging"
    ),
    "B local (duckdb + pyarrow + registry)": (
        "import duckdb, pyarrow\nimport alliance_data.codebook.registry, alliance_data.codebook.hedging"
    ),
}


def import_costs(repeats: int = 5) -> dict[str, dict[str, Any]]:
    costs = {}
    for label, code in IMPORTS.items():
        probe = (
            "import sys, time\nstarted = time.perf_counter()\n"
            + code
            + "\nprint(time.perf_counter() - started, 'pyspark' in sys.modules, len(sys.modules))"
        )
        runs = []
        for _ in range(repeats):
            out = subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=_env()
            ).stdout.split()
            runs.append((float(out[0]), out[1] == "True", int(out[2])))
        costs[label] = {
            "seconds": statistics.median(run[0] for run in runs),
            "pyspark": runs[0][1],
            "modules": runs[0][2],
        }
    return costs


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}


# =======================================================================================
# Lines of code per rule, as written in each design.


def lines_per_rule() -> dict[str, dict[str, int]]:
    from alliance_data import rules as local
    from alliance_data.distributed import rules as distributed

    def source_lines(*functions: Any) -> int:
        return sum(
            sum(1 for line in inspect.getsource(function).splitlines() if line.strip() and not _is_doc(line))
            for function in functions
        )

    today_local = {
        FK: (local._foreign_key_check, local._isin),
        "quote_at_offsets": (local._anchors_verify, local._values),
        "span_inside_section": (local._inside_sections, local._attribute, local._or_unknown),
        "topic_kind_matches": (local._topic_kinds_match,),
        "certainty_follows_hedge_cues": (local._certainties_follow_cues, local._cues_of_claims),
        "statement_in_own_words": (local._statements_differ, local._normalized_ascii, local._ends, local._normalized),
    }
    today_spark = {
        FK: (distributed.foreign_key_failures,),
        "quote_at_offsets": (distributed.quote_at_offsets, distributed._with_text),
        "span_inside_section": (distributed.span_inside_section, distributed._with_section, distributed._lookup),
        "topic_kind_matches": (distributed.topic_kind_matches,),
        "certainty_follows_hedge_cues": (distributed.certainty_follows_hedge_cues,),
        "statement_in_own_words": (distributed.statement_in_own_words, distributed._normalized),
    }
    from alliance_data.distributed import schemas as spark_schemas

    counts = {
        "column checks, derived from the registry (every table)": {
            "today local": source_lines(local._column_checks, local.table_schema, local._plain),
            "today spark": source_lines(
                spark_schemas.column_checks, spark_schemas.table_schema, spark_schemas.failing_rows
            ),
            "A (ibis, both engines)": source_lines(ibis_column_schema, _ibis_check_name, _pandera_keys),
            "B (SQL, both engines)": source_lines(column_conditions, column_query, unique_query, _type_failures),
        }
    }
    a_source = inspect.getsource(ibis_rules)
    queries = rule_queries()
    for rule in (FK, *SUBSET_RULES):
        counts[rule] = {
            "today local": source_lines(*today_local[rule]),
            "today spark": source_lines(*today_spark[rule]),
            "A (ibis, both engines)": _ibis_lines(a_source, rule),
            "B (SQL, both engines)": sum(1 for line in queries[rule].splitlines() if line.strip()),
        }
    return counts


def _is_doc(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("#", '"""')) or (stripped.endswith('"""') and not stripped.startswith("return"))


# The lines of ibis_rules that belong to each rule (its joins' inputs, its check, its entry).
_IBIS_MARKS = {
    FK: ("FK:",),
    "quote_at_offsets": ("texts =", "def quote_ok", "rule:quote_at_offsets"),
    "span_inside_section": ("sections =", "rule:span_inside_section"),
    "topic_kind_matches": ("kinds =", "rule:topic_kind_matches"),
    "certainty_follows_hedge_cues": (
        "levels =",
        "cues =",
        "rank = ibis",
        "ranks =",
        "per_claim =",
        "def certainty_ok",
        "rule:cert",
    ),
    "statement_in_own_words": ("def normalized", "rule:statement_in_own_words"),
}


def _ibis_lines(source: str, rule: str) -> int:
    """Count the statements of `ibis_rules` marked as the rule's: each mark's line and the
    continuation lines below it (deeper indentation, up to the next blank or same-level line)."""
    lines = source.splitlines()
    total = 0
    for mark in _IBIS_MARKS[rule]:
        for index, line in enumerate(lines):
            if mark in line:
                depth = len(line) - len(line.lstrip())
                total += 1
                for following in lines[index + 1 :]:
                    if not following.strip() or len(following) - len(following.lstrip()) <= depth:
                        break
                    total += 1
                break
    return total


# =======================================================================================
# Dialect coverage: the constructs the other rules need (today: sections_cover_text's lambda,
# sections_do_not_overlap's window, no_causal_cycle's cycle search), written once and run on both engines.

SQL_PROBES = {
    "regex classes \\pP\\pS": r"SELECT regexp_replace('a,b;c', '[\pP\pS]+', ' ', 'g') AS v",
    "regex \\x{...} class": "SELECT regexp_matches('a\u202e', '[\\x{202A}-\\x{202E}]') AS v",
    "chr() of a code point above 255": "SELECT chr(8238) = '\u202e' AS v",
    "regex lookahead (?!...)": r"SELECT regexp_matches('ab', '^(?!x)a') AS v",
    "substring": "SELECT substring('abcdef', 2, 3) AS v",
    "lambda over a list": (
        "SELECT array_length(list_filter(string_split('a' || chr(10) || chr(10) || 'b', chr(10)), "
        "lambda x: x <> '')) AS v"
    ),
    "len() of a list (sqlglot reads it as text length)": (
        "SELECT len(list_filter(string_split('a,,b', ','), lambda x: x <> '')) AS v"
    ),
    "window lag": "SELECT lag(x) OVER (ORDER BY x) AS v FROM (VALUES (1), (2)) t(x) ORDER BY x DESC LIMIT 1",
    "recursive CTE": (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT max(n) AS v FROM r"
    ),
}


def _ibis_probes() -> dict[str, Any]:
    import ibis

    t = ibis.memtable({"s": ["a,b;c", "a,b;c"], "w": ["abcdef", "abcdef"], "x": [1, 2]})
    return {
        "regex classes \\pP\\pS": t.select(v=t.s.re_replace(r"[\pP\pS]+", " ")),
        "regex \\x{...} class": t.select(v=(t.s + "\u202e").re_search(r"[\x{202A}-\x{202E}]")),
        "regex lookahead (?!...)": t.select(v=t.s.re_search("^(?!x)a")),
        "substring": t.select(v=t.w.substr(1, 3)),
        "chr() of a code point above 255": None,
        "lambda over a list": t.select(v=t.s.split(",").filter(lambda part: part != "").length()),
        "window lag": t.mutate(v=t.x.lag().over(order_by=t.x)).v.max(),
        "recursive CTE": None,  # ibis has no recursive query (nor a chr of its own)
    }


def _outcome(run: Any) -> str:
    try:
        return repr(run())
    except Exception as error:  # the probe records what fails, and how
        return "error: " + (str(error).strip().splitlines() or [type(error).__name__])[0][:160]


def _first(value: Any) -> Any:
    return value.iloc[0, 0] if hasattr(value, "iloc") else value


def dialect_probe() -> dict[str, Any]:
    import duckdb
    import ibis

    from alliance_data.distributed.session import local_session

    spark = local_session(2, 8, "2g")
    con = duckdb.connect()
    ibis_cons = {"duckdb": ibis.duckdb.connect(), "spark": ibis.pyspark.connect(spark)}
    found: dict[str, Any] = {}
    for name, query in SQL_PROBES.items():
        transpiled = spark_sql(query)
        found[name] = {
            "B duckdb": _outcome(lambda q=query: con.execute(q).fetchall()[0][0]),
            "B spark": _outcome(lambda q=transpiled: spark.sql(q).collect()[0][0]),
            "spark_sql": transpiled,
        }
    for name, expression in _ibis_probes().items():
        for engine, ibis_con in ibis_cons.items():
            found[name][f"A {engine}"] = (
                "no ibis API" if expression is None else _outcome(lambda e=expression, c=ibis_con: _first(c.execute(e)))
            )
    spark.stop()
    return found


# =======================================================================================
# The driver.


def _run_subprocess(design: str, engine: str, directory: Path, timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, "-m", "benchmarks.rule_engines", "--run", design, engine, str(directory), str(out)]
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    result = json.loads(out.read_text())
    out.unlink()
    if design != "probe":
        result["process_wall"] = wall
    return result


def _agreement(runs: dict[str, dict[str, Any]], mutations: dict[str, str]) -> dict[str, Any]:
    keysets = {label: {tuple(key) for key in run["keys"]} for label, run in runs.items() if "keys" in run}
    if not keysets:
        return {"agree": False}
    base_label = "B/duckdb" if "B/duckdb" in keysets else next(iter(keysets))
    base = keysets[base_label]
    union = set().union(*keysets.values())
    flagged = {key[-1] for key in union if key[0] != "column"} | {value for key in union for value in key}
    missed = sorted(
        f"{kind} {claim}" for claim, kind in mutations.items() if not any(claim in str(value) for value in flagged)
    )
    return {
        "agree": all(keys == base for keys in keysets.values()),
        "against": base_label,
        "keys": len(base),
        "differences": {
            label: {
                "missing": sorted(map(str, base - keys))[:20],
                "extra": sorted(map(str, keys - base))[:20],
            }
            for label, keys in keysets.items()
            if keys != base
        },
        "mutations": len(mutations),
        "mutations_not_flagged": missed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[205, 1_000_000])
    parser.add_argument("--corrupt", type=int, default=52, help="mutations in a corrupted corpus above 205 claims")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per (path, corpus) run")
    parser.add_argument("--paths", nargs="+", default=[f"{d}/{e}" for d, e in PATHS])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--run", nargs=4, metavar=("DESIGN", "ENGINE", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help="validate this corpus directory (one size) instead of writing one")
    parser.add_argument("--report", action="store_true", help="rewrite the .md from the recorded .json; run nothing")
    arguments = parser.parse_args(argv)
    if arguments.report:
        write_results(json.loads((RESULTS / "rule_engines.json").read_text()))
        return 0
    if arguments.run:
        design, engine, corpus, out = arguments.run
        result = dialect_probe() if design == "probe" else run_one(design, engine, Path(corpus))
        Path(out).write_text(json.dumps(result, default=str))
        return 0

    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "corpora": []}
    work = Path(tempfile.mkdtemp(prefix="rule-engines-"))
    try:
        for size in arguments.sizes:
            corpora = []
            if size == 205:
                corpora.append(("curated (valid)", write_curated, ()))
            mutations = CORRUPTED.get(size, arguments.corrupt)
            corpora.append((f"synthetic, {mutations} mutations", write_synthetic, (size, mutations)))
            if arguments.corpus:  # one corpus already written, e.g. kept from an interrupted run
                corpora = [(corpora[-1][0], lambda directory, n=size: {"claims": n, "mutations": {}}, ())]
            for label, write, args in corpora:
                directory = arguments.corpus or work / f"{size}-{len(results['corpora'])}"
                begun = time.perf_counter()
                info = write(directory, *args)
                entry = {"size": size, "corpus": label, "claims": info["claims"], "write": time.perf_counter() - begun}
                entry["runs"], entry["mutations"] = {}, info["mutations"]
                for path in arguments.paths:
                    design, engine = path.split("/")
                    entry["runs"][path] = _run_subprocess(design, engine, directory, arguments.timeout)
                    shown = {k: v for k, v in entry["runs"][path].items() if k != "keys"}
                    print(size, label, path, shown, flush=True)
                    if not arguments.no_write:  # after every run, so an interrupted run keeps what it measured
                        entry["agreement"] = _agreement(entry["runs"], info["mutations"])
                        partial = {**results, "corpora": [*results["corpora"], entry]}
                        partial["total_seconds"] = time.perf_counter() - started
                        write_results(_with_earlier(partial, arguments.sizes))
                entry["agreement"] = _agreement(entry["runs"], info["mutations"])
                print(size, label, entry["agreement"], flush=True)
                results["corpora"].append(entry)
                if not arguments.corpus:
                    shutil.rmtree(directory, ignore_errors=True)
        results["dialect"] = _run_subprocess("probe", "both", work, arguments.timeout)
        results["imports"] = import_costs()
        results["lines_per_rule"] = lines_per_rule()
        results["spark_sql"] = {check: spark_sql(query) for check, query in rule_queries().items()}
        results["total_seconds"] = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not arguments.no_write:
        write_results(_with_earlier(results, arguments.sizes))
    return 0 if all(entry["agreement"]["agree"] for entry in results["corpora"]) else 1


def _with_earlier(results: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    """Merge with the results already written, so sizes and paths can be measured one at a time
    (`--sizes 205`, then `--sizes 1000000`; or `--paths B/duckdb`): earlier corpora not run now
    are kept, and an earlier corpus run again keeps its runs of the paths not run now (its
    agreement is then recomputed over all of them)."""
    earlier_file = RESULTS / "rule_engines.json"
    if not earlier_file.exists():
        return results
    recorded = json.loads(earlier_file.read_text())
    for part in ("dialect", "imports", "lines_per_rule", "spark_sql"):
        results.setdefault(part, recorded.get(part))
    earlier = {(entry["size"], entry["corpus"]): entry for entry in recorded["corpora"]}
    for entry in results["corpora"]:
        previous = earlier.pop((entry["size"], entry["corpus"]), None)
        if previous is not None:
            entry["runs"] = {**previous["runs"], **entry["runs"]}
            entry["runs"] = {
                path: entry["runs"][path] for path in (f"{d}/{e}" for d, e in PATHS) if path in entry["runs"]
            }
            entry["agreement"] = _agreement(entry["runs"], entry.get("mutations", {}))
    results["corpora"] = sorted([*earlier.values(), *results["corpora"]], key=lambda entry: entry["size"])
    return results


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "java": java[0] if java else None,
        "versions": {
            name: version(name)
            for name in ("pandera", "ibis-framework", "duckdb", "sqlglot", "pyspark", "pandas", "pyarrow")
        },
    }


# =======================================================================================
# The report.


def _cell(value: Any, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _visible(text: str) -> str:
    """A table cell: invisible characters (a probe's U+202E) escaped, pipes escaped."""
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return shown.replace("|", "\\|")


def write_results(results: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rule_engines.json").write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    m = results["machine"]
    lines = [
        "# One rule definition on two engines: pandera.ibis (A) against SQL failing-rows queries (B)",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['platform']}, Python {m['python']}, {m['java']}; "
        + ", ".join(f"{name} {v}" for name, v in m["versions"].items())
        + ". Spark `local[2]`, driver memory 4g, 8 shuffle partitions; DuckDB 2 threads. "
        "The machine is shared; heavy runs are serialised with `flock /tmp/bench.lock`.",
        "",
        "`python -m benchmarks.rule_engines --sizes 205 1000000` (module docstring: what is run). "
        "Times in seconds, per (path, corpus) in a fresh process: `columns` = the column checks of claims "
        "(types, not-null, enumerations, patterns, lengths, plain text, unique key), `rules` = the foreign key "
        "claims.topic_id plus the five cross-table rules, failing rows turned into messages. Reading the corpus "
        "and starting Spark are not counted (Spark session start is shown apart).",
        "",
        "| claims | corpus | path | columns s | rules s | total s | Spark jobs | Python peak MiB | JVM peak MiB "
        "| Spark start s | failures | load avg |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in results["corpora"]:
        for path, run in entry["runs"].items():
            if "error" in run:
                lines.append(f"| {entry['claims']:,} | {entry['corpus']} | {path} | {run['error']} |||||||||")
                continue
            shown = f"{path} ({run['note']})" if "note" in run else path
            lines.append(
                f"| {entry['claims']:,} | {entry['corpus']} | {shown} "
                f"| {_cell(run['columns'])} | {_cell(run['rules'])} "
                f"| {_cell(run['columns'] + run['rules'])} | {_cell(run.get('spark_jobs'))} "
                f"| {_cell(run['python_peak_mib'], 0)} | {_cell(run.get('jvm_peak_mib'), 0)} "
                f"| {_cell(run.get('session'), 1)} | {len(run['keys']) if 'keys' in run else 'n/a'} "
                f"| {_cell(run.get('load_average'), 1)} |"
            )
    lines += [
        "",
        "Agreement (every path against B/duckdb, as sets of (check, claim) and (field, check, value)). "
        "The 205 size is the curated data, which holds 210 claims today:",
        "",
    ]
    for entry in results["corpora"]:
        agreement = entry["agreement"]
        compared = sum("keys" in run for run in entry["runs"].values())
        agreed = f"all {compared} paths with failure keys agree" if agreement["agree"] else "DISAGREE"
        lines.append(
            f"- {entry['claims']:,} claims, {entry['corpus']}: {agreed}; {agreement.get('keys')} failure keys; "
            f"mutations {agreement.get('mutations')}; whose claim id is in no failure key (a mutation outside this "
            f"subset's checks, a column check's failure keyed by its value, or an id a duplicate took over): "
            f"{agreement.get('mutations_not_flagged')}"
        )
        for label, difference in agreement.get("differences", {}).items():
            lines.append(f"  - {label}: missing {difference['missing']}, extra {difference['extra']}")
    timed = [
        (entry, path, run) for entry in results["corpora"] for path, run in entry["runs"].items() if run.get("per_rule")
    ]
    if timed:
        rules = [FK, *SUBSET_RULES]
        lines += ["", "Seconds per rule (within `rules` above):", ""]
        lines += [
            "| claims | corpus | path | " + " | ".join(rules) + " |",
            "| ---: | --- | --- |" + " ---: |" * len(rules),
        ]
        for entry, path, run in timed:
            times = {name.removeprefix("rule:"): value for name, value in run["per_rule"].items()}
            cells = " | ".join(_cell(times.get(rule)) for rule in rules)
            lines.append(f"| {entry['claims']:,} | {entry['corpus']} | {path} | {cells} |")
    lines += [
        "",
        "Import time of the local path (fresh interpreter, median of 5):",
        "",
        "| local path | import s | imports pyspark | modules |",
        "| --- | ---: | --- | ---: |",
    ]
    for label, cost in results["imports"].items():
        lines.append(f"| {label} | {cost['seconds']:.2f} | {cost['pyspark']} | {cost['modules']:,} |")
    lines += [
        "",
        "Lines per rule (non-blank, without docstrings; today's counts include the helpers each rule calls):",
        "",
        "| rule | today local | today spark | A (ibis, both engines) | B (SQL, both engines) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for rule, counts in results["lines_per_rule"].items():
        lines.append(f"| {rule} | " + " | ".join(str(value) for value in counts.values()) + " |")
    probe = {name: row for name, row in results.get("dialect", {}).items() if isinstance(row, dict)}
    if probe:
        engines = ("B duckdb", "B spark", "A duckdb", "A spark")
        lines += [
            "",
            "Dialect coverage: each construct written once (B: DuckDB SQL, transpiled by sqlglot; A: ibis) "
            "and run on both engines (a value, or the error):",
            "",
            "| construct | " + " | ".join(engines) + " | Spark SQL from sqlglot |",
            "| --- | " + " | ".join("---" for _ in engines) + " | --- |",
        ]
        for name, row in probe.items():
            cells = [_visible(str(row.get(engine, "not probed"))) for engine in engines]
            sql = _visible(row["spark_sql"])
            lines.append(f"| {name} | " + " | ".join(cells) + f" | `{sql}` |")
    lines += ["", f"Total run: {results['total_seconds']:.0f} s.", ""]
    lines += verdict(results)
    (RESULTS / "rule_engines.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _total(run: dict[str, Any]) -> float | None:
    return None if "error" in run else run["columns"] + run["rules"]


def _speed_lines(results: dict[str, Any]) -> list[str]:
    """Per corpus: which design is faster on each engine, by how much, and Spark against one machine."""
    found = []
    for entry in results["corpora"]:
        runs = {path: _total(run) for path, run in entry["runs"].items()}
        parts = []
        for local, spark in (("duckdb", "spark"),):
            a_local, b_local, a_spark, b_spark = (
                runs.get(f"A/{local}"),
                runs.get(f"B/{local}"),
                runs.get(f"A/{spark}"),
                runs.get(f"B/{spark}"),
            )
            if a_local and b_local:
                parts.append(f"one machine B {b_local:.2f} s, A {a_local:.2f} s (A/B {a_local / b_local:.1f}x)")
            if a_spark and b_spark:
                parts.append(f"Spark B {b_spark:.1f} s, A {a_spark:.1f} s (A/B {a_spark / b_spark:.1f}x)")
            if b_local and b_spark:
                parts.append(f"B on Spark / B on DuckDB {b_spark / b_local:.0f}x")
        today_local, today_spark = runs.get("today/local"), runs.get("today/spark")
        if today_local and today_spark:
            parts.append(f"today {today_local:.2f} s one machine, {today_spark:.1f} s Spark")
        found.append(f"- {entry['claims']:,} claims, {entry['corpus']}: " + "; ".join(parts) + ".")
    return found


def verdict(results: dict[str, Any]) -> list[str]:
    imports = results.get("imports", {})
    b_import = imports.get("B local (duckdb + pyarrow + registry)", {})
    a_import = imports.get("A local (pandera.ibis + ibis duckdb backend)", {})
    a_hidden = imports.get("A local, pyspark hidden (without_pyspark)", {})
    today_import = imports.get("today local (alliance_data.rules, pandera pandas)", {})
    lines = ["## Verdict", "", "Speed (columns + rules, seconds, from the table above):", ""]
    lines += _speed_lines(results)
    lines += [
        "",
        f"Import cost of the local path: B {b_import.get('seconds', float('nan')):.2f} s, pyspark not imported; "
        f"A {a_import.get('seconds', float('nan')):.2f} s with pyspark imported (pandera.ibis pulls in "
        f"pyspark.pandas when pyspark is installed), {a_hidden.get('seconds', float('nan')):.2f} s with it hidden; "
        f"today's {today_import.get('seconds', float('nan')):.2f} s.",
        "",
    ]
    lines += VERDICT
    return lines


# Written from the evidence of the run recorded in rule_engines.json (figures above are recomputed).
VERDICT: list[str] = [
    "**B wins: each cross-table rule as one failing-rows query in DuckDB's dialect, run by DuckDB on one "
    "machine and, through sqlglot, by Spark SQL.** Evidence, beside the speed lines above: "
    "(1) *Speed and jobs.* pandera.ibis runs at least one query per check and, for every failing check, two more "
    "(the failure cases, and the whole check output fetched into pandas to find row positions); B runs one scan "
    "for all column checks and one query per rule, so it issues far fewer Spark jobs (see the Spark jobs column). "
    "(2) *Memory.* No real difference: at 1M claims both local paths peak at about 1.3 GiB of Python RSS "
    "(today's pandas path 2.1 GiB), at 205 claims A takes about 40 MiB more (ibis and pandas); B on Spark peaked "
    "at 3.6 GiB of JVM. "
    "(3) *Import cost.* B's local path needs duckdb and pyarrow only, stays within the curator's 1.2–2 s budget "
    "and imports nothing of Spark; A's needs pandera.ibis, ibis and pandas, and imports pyspark unless hidden. "
    "(4) *What A cannot express.* A pandera.ibis dataframe check must return a boolean per row of the table it "
    "is given (pandera lines a returned table up with its input by position: a positional join on DuckDB, "
    "`row_number() over ()` elsewhere, which has no defined order on Spark), so every cross-table rule here had "
    "to be written as a pre-joined table plus a check, outside pandera; a rule that compares a row with its "
    "neighbours (sections_do_not_overlap) needs a window, which ibis has, but a cycle search (no_causal_cycle) "
    "needs recursion, which ibis has not: it stays Python on A, while a recursive CTE runs on DuckDB and Spark "
    "4.3 alike. (5) *Maturity.* pandera.ibis (since 0.25) reported the duplicate-key failure as an unexecuted ibis "
    "expression, named column failures' column `failure_case` and ignored the checks' `name`; ibis's pyspark "
    "extra requires pyspark < 4.1 (we pin 4.3.0; it ran here outside its supported range); ibis 12's "
    "`create_table` fails on DuckDB 2.0 (tables were registered through DuckDB itself). (6) *Dialect.* Both "
    "designs share what RE2 and java.util.regex share: Unicode classes (`\\pP`, `\\x{...}`) work on every "
    "engine, lookahead works on Spark only (so the plain-text check is written as the forbidden/visible class pair "
    "on every engine, as today's Arrow path does). sqlglot has two traps the probe shows: `chr()` above 255 "
    "(Spark takes it modulo 256) and `len()` of a list (transpiled to text length; write `array_length`). "
    "DuckDB 2.0 deprecates `x -> ...` lambdas for `lambda x: ...`, which sqlglot reads. "
    "(7) *Correctness at scale.* At 1M claims pandera.ibis on DuckDB reported the wrong values for the failing "
    "enumeration check of claims.kind (valid kinds such as 'area' instead of the mutated 'opinion'; see the "
    "agreement list): its built-in checks line their output up with the input by a positional join, which DuckDB "
    "does not keep in row order across parallel pipelines; at 205 rows it agreed. B and today's paths agree. "
    "(8) *Spark.* B's one slow query is quote_at_offsets (the join of each claim with its source text, then three "
    "substrings): it dominates B on Spark at 1M, as the same join does on today's Spark path; that rule is the one "
    "to restructure (e.g. broadcast the texts) whichever design is chosen. "
    "(9) *Against today.* On one machine at 1M claims today's Arrow/pandas path (8.9 s) is still faster than "
    "B on DuckDB (47 s, nearly all in the rules; the per-rule split was recorded on Spark only, where "
    "quote_at_offsets takes 350 of 398 s), so adopting B needs that rule's text-join reworked before it can "
    "replace today's code at scale; at the curators' size B is the fastest path (0.17 s). "
    "What B costs: rules are SQL strings, so a typo fails at run time, not import time (a test that runs every "
    "query on both engines is needed), and the Spark form depends on sqlglot's transpiler; the messages and fixes "
    "stay Python. pandera stays the column checker in neither design's Spark numbers except today's; a hybrid "
    "(pandera pandas for columns on one machine, B's queries for rules) costs today's column time plus B's rules.",
]


if __name__ == "__main__":
    sys.exit(main())
