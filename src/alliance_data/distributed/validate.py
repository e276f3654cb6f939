"""Validate a corpus on a SparkSession: pandera's pyspark schemas, then every foreign key and rule.

pandera's pyspark backend does not raise on invalid data: it collects its errors on the
DataFrame (`df.pandera.errors`). They are read here, each traced to the failing records
where the check is about rows, and returned with the failures of the foreign keys and
rules as `Failure` rows: table, record key, field, check and message. An empty list is
the only passing verdict; `check_corpus` raises `CorpusInvalid` otherwise.

    python -m alliance_data.distributed CORPUS_DIR     # exit 1 and a report on any failure
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import AllianceDataError
from ..registry import CHECKED_TABLES, TABLES_BY_NAME, Table
from .corpus import Corpus, read_corpus
from .rules import foreign_key_failures, foreign_keys, spark_rules
from .schemas import UNIQUE, failing_rows, table_schema

KEY_SEPARATOR = "|"


@dataclass(frozen=True)
class Failure:
    """One failed check: the table, the record's primary key ('|'-joined; None when the check
    is about a whole column), the field, the check (`rule:<name>`, `fk:<table>.<column>`,
    `unique`, `not_nullable`, `enum`, `pattern`, ...) and what is wrong."""

    table: str
    record: str | None
    field: str | None
    check: str
    message: str

    def __str__(self) -> str:
        where = f"{self.table}" + (f" record {self.record}" if self.record else "")
        return f"{where}: field {self.field}: {self.check}: {self.message}"


class CorpusInvalid(AllianceDataError):
    """The corpus has failures."""

    def __init__(self, failures: list[Failure]):
        self.failures = failures
        lines = [f"{len(failures)} failure{'s' if len(failures) != 1 else ''} in the corpus"]
        super().__init__("\n".join(lines + [str(failure) for failure in failures[:50]]))


def record_key(table: Table) -> Any:
    from pyspark.sql import functions as F

    return F.concat_ws(KEY_SEPARATOR, *[F.col(name).cast("string") for name in table.primary_key])


def _labelled(rows: Any, table: Table, field: str | None, check: str, message: str) -> Any:
    """Failing rows as (table, record, field, check, message)."""
    from pyspark.sql import functions as F

    return rows.select(
        F.lit(table.name).alias("table"),
        record_key(table).alias("record"),
        F.lit(field).cast("string").alias("field"),
        F.lit(check).alias("check"),
        F.lit(message).alias("message"),
    )


def pandera_errors(frame: Any, table: Table) -> list[dict[str, Any]]:
    """Run the table's pandera pyspark schema; its collected errors, flattened (empty when valid)."""
    from pandera.config import ValidationDepth, config_context

    # Data checks always run, whatever PANDERA_VALIDATION_DEPTH says: a schema-only pass
    # would report a corrupted corpus as valid.
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        validated = table_schema(table).validate(frame, lazy=True)
    errors = []
    for scope, by_reason in dict(validated.pandera.errors or {}).items():
        for reason, items in by_reason.items():
            errors.extend({**item, "scope": scope, "reason": reason} for item in items)
    return errors


def schema_failures(spark: Any, corpus: Corpus, table: Table) -> list[Any]:
    """pandera's errors for a table as failure rows: those about rows traced to their records,
    those about a whole column (type, presence, extra columns) as one failure with no record."""
    frame = corpus[table.name]
    parts, whole = [], []
    for error in pandera_errors(frame, table):
        column, check = error.get("column"), str(error.get("check"))
        if check == UNIQUE:
            column = None  # pandera names the schema there; the key spans several columns
        message = f"{error['reason'].lower()}: {error.get('error')}"
        rows = failing_rows(frame, table, column, check)
        if rows is None:
            whole.append(Failure(table.name, None, column, check, message))
        else:
            parts.append(_labelled(rows, table, column, check, message))
            # If the trace finds no row, the verdict still stands as a failure with no record.
            parts.append(_unlocated(spark, rows, Failure(table.name, None, column, check, message)))
    if whole:
        parts.append(spark.createDataFrame([tuple(vars(f).values()) for f in whole], _schema()))
    return parts


def _unlocated(spark: Any, rows: Any, failure: Failure) -> Any:
    """A frame holding `failure` when `rows` is empty, else an empty frame."""
    from pyspark.sql import functions as F

    marker = spark.createDataFrame([tuple(vars(failure).values())], _schema())
    return marker.crossJoin(rows.agg(F.count(F.lit(1)).alias("_n"))).filter("_n = 0").drop("_n")


def _schema() -> Any:
    import pyspark.sql.types as T

    return T.StructType(
        [
            T.StructField("table", T.StringType()),
            T.StructField("record", T.StringType()),
            T.StructField("field", T.StringType()),
            T.StructField("check", T.StringType()),
            T.StructField("message", T.StringType()),
        ]
    )


def rule_failures(corpus: Corpus) -> list[Any]:
    parts = []
    for table, key in foreign_keys():
        check = f"fk:{key.table}.{key.other_column}"
        message = f"not a known {key.table}.{key.other_column}"
        parts.append(_labelled(foreign_key_failures(corpus, table, key), table, key.column, check, message))
    for rule, failing in spark_rules():
        table = TABLES_BY_NAME[rule.table]
        parts.append(_labelled(failing(corpus), table, rule.field, f"rule:{rule.name}", rule.fix))
    return parts


def corpus_failures(spark: Any, corpus: Corpus, threads: int = 4) -> list[Failure]:
    """Every failure of the corpus, sorted; empty when it is valid.

    pandera runs one small Spark job per check; the tables are validated from `threads`
    threads at once so that Spark schedules their jobs side by side instead of one by one.
    """
    with ThreadPoolExecutor(threads) as pool:
        per_table = list(pool.map(lambda table: schema_failures(spark, corpus, table), CHECKED_TABLES))
    parts = [part for table_parts in per_table for part in table_parts]
    parts += rule_failures(corpus)
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    failures = {Failure(*row) for row in union.distinct().collect()}
    return sorted(failures, key=lambda f: (f.table, f.record or "", f.field or "", f.check, f.message))


def validate_corpus(spark: Any, path: str | Path) -> list[Failure]:
    """Validate the corpus at `path` (local or object storage) on `spark`; its failures."""
    return corpus_failures(spark, read_corpus(spark, path))


def raise_if_any(failures: list[Failure]) -> None:
    if failures:
        raise CorpusInvalid(failures)


def check_corpus(spark: Any, path: str | Path) -> None:
    """Raise `CorpusInvalid` when the corpus at `path` has any failure."""
    raise_if_any(validate_corpus(spark, path))
