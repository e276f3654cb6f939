"""Validate a corpus on a SparkSession with the rules of one machine.

Each table of the corpus becomes a temporary view (with a null `_row`: a corpus's rows have
keys, not positions). Its column constraints run as one SQL query per table, built from the
same constraints pandera checks on one machine (`rules.columns`); every rule of
`alliance_data.rules.RULES` runs as its own query, translated from DuckDB's dialect to Spark's
by sqlglot. Failing rows become Problems by the rules' own messages (`rules.report`), located
by table and record key. `check_corpus` raises ValidationFailed on any.

    python -m alliance_data.distributed CORPUS_DIR     # exit 1 and a report on any failure
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from ..codebook.registry import CHECKED_TABLES, TABLES_BY_NAME, Table
from ..problems import MAX_PROBLEMS, ProblemList
from ..rules import inputs
from ..rules.catalog import RELATIONS, RULES
from ..rules.columns import UNIQUE_KEY, column_fix, column_message, column_query
from ..rules.report import record_key, report_rule, report_unchecked
from ..rules.rule import Rule
from ..rules.sql import TEXT_JOIN_KEYS, TEXT_TABLES
from .corpus import Corpus, read_corpus


@cache
def spark_sql(query: str) -> str:
    """A query of DuckDB's dialect in Spark's."""
    import sqlglot

    return sqlglot.transpile(query, read="duckdb", write="spark")[0]


def spark_type(kind: str) -> str:
    """Spark's type for a column of kind 'integer' or 'string' (`Column.dtype`, `Relation.columns`)."""
    return "bigint" if kind == "integer" else "string"


class _Context:
    """What messages look up on Spark: a source's text, fetched once; the run's relations."""

    def __init__(self, spark: Any):
        self.spark = spark
        self.texts: dict[str, str | None] = {}
        self.relations: dict[str, list[tuple[Any, ...]]] = {}

    def text(self, source_id: str | None) -> str | None:
        if source_id is None:
            return None
        if source_id not in self.texts:
            from pyspark.sql import functions as F

            rows = self.spark.table("source_texts").where(F.col("source_id") == source_id)
            found = rows.select("text").limit(1).collect()
            self.texts[source_id] = found[0][0] if found else None
        return self.texts[source_id]

    def relation(self, name: str) -> list[tuple[Any, ...]]:
        return self.relations[name]


def _register(spark: Any, corpus: Corpus) -> None:
    from pyspark.sql import functions as F

    # Cached: every query reads the same tables, which are read from storage once.
    for table in CHECKED_TABLES:
        frame = corpus[table.name].withColumn("_row", F.lit(None).cast("bigint")).cache()
        frame.createOrReplaceTempView(table.name)
    corpus.texts.createOrReplaceTempView("texts")
    # The texts and their blocks are the largest tables the rules join: laid out (and sorted)
    # by their join keys once, so a rule's sort-merge join neither shuffles nor sorts them
    # again; only the rule's own rows move (figures: benchmarks/NOTES.md).
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    for name, query in TEXT_TABLES:
        keys = TEXT_JOIN_KEYS[name]
        frame = spark.sql(spark_sql(query)).repartition(partitions, *keys).sortWithinPartitions(*keys)
        frame.cache().createOrReplaceTempView(name)
    empty = {
        "invalid_ids": inputs.invalid_ids_table({}),
        "claim_files": inputs.claim_files_table(None),
        **inputs.vocabulary_tables(),
    }
    for name, table in empty.items():
        spark.createDataFrame(table.to_pandas() if table.num_rows else [], _ddl(table)).createOrReplaceTempView(name)


def _ddl(table: Any) -> str:
    import pyarrow as pa

    kinds = {field.name: "integer" if pa.types.is_integer(field.type) else "string" for field in table.schema}
    return ", ".join(f"`{name}` {spark_type(kind)}" for name, kind in kinds.items())


def _structure_problems(corpus: Corpus, table: Table, problems: ProblemList) -> bool:
    """Missing, extra or mistyped columns: each one problem about the whole table. True when
    the columns are as the model says (only then do the value checks run)."""
    found = {field.name: field.dataType.simpleString() for field in corpus[table.name].schema.fields}
    wanted = {column.name: spark_type(column.dtype) for column in table.columns}
    ok = True
    for name, kind in wanted.items():
        if name not in found:
            problems.add(
                table.name,
                f"column {name} is missing",
                f"add the column {name} ({kind})",
                field=name,
                check="column_in_schema",
            )
            ok = False
        elif found[name] != kind:
            problems.add(
                table.name,
                f"column {name} is {found[name]}, not {kind}",
                f"store {name} as {kind}",
                field=name,
                check="dtype",
            )
            ok = False
    for name in sorted(set(found) - set(wanted)):
        problems.add(
            table.name,
            f"column {name} is not in the model",
            "remove the column",
            field=name,
            check="column_in_dataframe",
        )
        ok = False
    return ok


def _column_failures(spark: Any, table: Table) -> list[dict[str, Any]]:
    return [row.asDict() for row in spark.sql(spark_sql(column_query(table))).collect()]


def _column_problems(table: Table, failures: list[dict[str, Any]], problems: ProblemList) -> None:
    by_name = {column.name: column for column in table.columns}
    for values in failures:
        check, field = values["check"], values["field"]
        key = record_key(values[name] for name in table.primary_key)
        message = (
            f"duplicate key in {table.name}: " + ", ".join(f"{name}={values[name]}" for name in table.primary_key)
            if check == UNIQUE_KEY
            else column_message(check, _typed(by_name[field], values["value"]))
        )
        problems.add(
            table.name,
            message,
            column_fix(check, by_name.get(field or ""), table),
            record_id=key,
            field=field,
            check=check,
        )


def _typed(column: Any, value: str | None) -> Any:
    return int(value) if value is not None and column.dtype == "integer" else value


def _failing(spark: Any, rule: Rule) -> list[dict[str, Any]] | Exception:
    try:
        return [row.asDict() for row in spark.sql(spark_sql(rule.query)).collect()]
    except Exception as error:  # any engine error: reported as the rule's own problem
        return error


def _locate(table: str, row: dict[str, Any], field: str | None) -> tuple[str, int | None, str | None]:
    return table, None, record_key(row.get(name) for name in TABLES_BY_NAME[table].primary_key)


def corpus_problems(
    spark: Any, corpus: Corpus, max_problems: int | None = MAX_PROBLEMS, threads: int = 4
) -> ProblemList:
    """Every problem of the corpus (the first `max_problems` in full, the rest counted)."""
    problems = ProblemList(limit=max_problems)
    _register(spark, corpus)
    context = _Context(spark)
    structured = [table for table in CHECKED_TABLES if _structure_problems(corpus, table, problems)]
    for relation in RELATIONS:
        rows = [tuple(row) for row in spark.sql(spark_sql(relation.inputs)).collect()]
        context.relations[relation.name] = relation.compute(rows)
        frame = spark.createDataFrame(
            context.relations[relation.name], ", ".join(f"{n} {spark_type(k)}" for n, k in relation.columns)
        )
        frame.createOrReplaceTempView(relation.name)
    # Rules across tables run only on tables of the right shape.
    rules = RULES if len(structured) == len(CHECKED_TABLES) else ()
    # Spark schedules the queries of several threads side by side.
    with ThreadPoolExecutor(threads) as pool:
        columns = list(pool.map(lambda table: _column_failures(spark, table), structured))
        results = list(pool.map(lambda rule: _failing(spark, rule), rules))
    for table, failures in zip(structured, columns, strict=True):
        _column_problems(table, failures, problems)
    for rule, result in zip(rules, results, strict=True):
        if isinstance(result, Exception):
            report_unchecked(rule, result, problems)
        else:
            report_rule(rule, result, _locate, context, problems)
    return problems


def validate_corpus(spark: Any, path: str | Path, max_problems: int | None = MAX_PROBLEMS) -> ProblemList:
    """Validate the corpus at `path` (local or object storage) on `spark`; its problems."""
    return corpus_problems(spark, read_corpus(spark, path), max_problems)


def check_corpus(spark: Any, path: str | Path) -> None:
    """Raise ValidationFailed when the corpus at `path` has any problem."""
    validate_corpus(spark, path).raise_if_any()
