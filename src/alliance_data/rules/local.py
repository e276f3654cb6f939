"""The table checks on one machine: each table's columns, then every rule's query, in DuckDB over
the dataset's Arrow tables (registered, not copied).

The columns are scanned first by their SQL form (`columns.column_query`, the query Spark runs);
only a table in which it finds a failure goes through pandera, whose report names every failing
value. Valid data, the common case, never imports pandas or pandera: at the curated size their
import and per-check overhead were most of a curator's `validate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyarrow

from ..codebook.registry import CHECKED_TABLES, TABLES_BY_NAME, Table
from ..curation.reading import Dataset, plain_type, row_numbers
from ..problems import ProblemList
from . import inputs
from .catalog import RELATIONS, RULES
from .columns import UNIQUE_KEY, column_fix, column_message, column_query
from .report import record_key, report_rule, report_unchecked
from .rule import Row, Rule
from .sql import TEXT_TABLES

if TYPE_CHECKING:
    import pandas as pd


class _Context:
    """What messages look up on one machine: the dataset's texts, the run's relations."""

    def __init__(self, texts: dict[str, str]):
        self.texts = texts
        self.relations: dict[str, list[tuple[Any, ...]]] = {}

    def text(self, source_id: str | None) -> str | None:
        return None if source_id is None else self.texts.get(source_id)

    def relation(self, name: str) -> list[tuple[Any, ...]]:
        return self.relations[name]


def check_tables(dataset: Dataset, problems: ProblemList) -> None:
    """Run every table's column checks and every rule; add a Problem for each failure."""
    with rule_connection(dataset) as (connection, context):
        for table in CHECKED_TABLES:
            if not columns_pass(connection, table, dataset.table(table.name)):
                check_columns(dataset, table, problems)
        _run_rules(connection, context, dataset, problems)


def columns_pass(connection: Any, table: Table, arrow: pyarrow.Table) -> bool:
    """True when every column constraint, non-null column and the key hold in every row, by one
    DuckDB scan of the table; False when any fails, or the columns are not as the model says
    (pandera then reports which)."""
    import duckdb

    expected = [(column.name, plain_type(column)) for column in table.columns]
    if [(field.name, field.type) for field in arrow.schema] != expected:
        return False
    try:
        return not connection.sql(f"SELECT 1 FROM ({column_query(table)}) LIMIT 1").fetchall()
    except duckdb.Error:
        return False


def check_columns(dataset: Dataset, table: Table, problems: ProblemList) -> None:
    """pandera's checks of a table's columns, each failing value reported."""
    from .schema import frame, pa, table_schema

    rows = frame(table, dataset.table(table.name))
    try:
        table_schema(table).validate(rows, lazy=True)
    except pa.errors.SchemaErrors as errors:
        _report_columns(errors.failure_cases, table, rows, dataset, problems)


def _report_columns(
    failures: pd.DataFrame, table: Table, rows: pd.DataFrame, dataset: Dataset, problems: ProblemList
) -> None:
    import pandas as pd

    by_name = {column.name: column for column in table.columns}
    locate = dataset.locator(table.name)
    for failure in failures.to_dict("records"):
        index, check = failure["index"], str(failure["check"])
        origin = locate(int(index)) if index is not None and pd.notna(index) else None
        field = failure["column"] if failure["column"] in by_name else None
        if check == UNIQUE_KEY:
            key = ", ".join(f"{k}={rows.loc[int(index), k]}" for k in table.primary_key)
            message = f"duplicate key in {table.name}: {key}"
        else:
            message = column_message(check, failure["failure_case"])
        problems.add(
            origin.file if origin else table.name,
            message,
            column_fix(check, by_name.get(field), table),
            line=origin.line_of(field) if origin else None,
            record_id=origin.record_id if origin else None,
            field=field,
            check=check,
        )


@contextmanager
def rule_connection(dataset: Dataset) -> Iterator[tuple[Any, _Context]]:
    """A DuckDB connection holding what the rules query (the dataset's tables, registered; the
    text tables and relations, computed), and the context their messages read."""
    import duckdb

    context = _Context(dataset.texts)
    with duckdb.connect() as connection:
        for name, table in rule_inputs(dataset).items():
            connection.register(name, table)
        for name, query in TEXT_TABLES:
            connection.execute(f"CREATE TEMP TABLE {name} AS {query}")
        # The text tables hold the texts now: their Arrow column is not kept beside them, and
        # what building it left in Arrow's allocator (several times their size) is returned
        # before the checks, which run beside the forked SQLite load.
        connection.unregister("texts")
        pyarrow.default_memory_pool().release_unused()
        for relation in RELATIONS:
            rows = relation.compute(connection.sql(relation.inputs).fetchall())
            context.relations[relation.name] = rows
            connection.register(relation.name, inputs.relation_table(relation.columns, rows))
        yield connection, context


def failing_rows(connection: Any, rule: Rule) -> list[dict[str, Any]]:
    result = connection.sql(rule.query)
    names = result.columns
    return [dict(zip(names, values, strict=True)) for values in result.fetchall()]


def run_rules(dataset: Dataset, problems: ProblemList) -> None:
    """Every rule's query (the column checks apart)."""
    with rule_connection(dataset) as (connection, context):
        _run_rules(connection, context, dataset, problems)


def _run_rules(connection: Any, context: _Context, dataset: Dataset, problems: ProblemList) -> None:
    import duckdb

    locate = _locator(dataset)
    for rule in RULES:
        try:
            failing = failing_rows(connection, rule)
        except duckdb.Error as error:
            report_unchecked(rule, error, problems)
            continue
        report_rule(rule, failing, locate, context, problems)


def rule_inputs(dataset: Dataset) -> dict[str, pyarrow.Table]:
    tables = {}
    for table in CHECKED_TABLES:
        arrow = dataset.table(table.name)
        tables[table.name] = arrow.append_column("_row", row_numbers(arrow.num_rows))
    tables["texts"] = inputs.texts_table(dataset.texts)
    tables["invalid_ids"] = inputs.invalid_ids_table(dataset.invalid_ids)
    origins = dataset.origins.get("claims")
    files = [origin.file for origin in origins] if origins and len(origins) == tables["claims"].num_rows else None
    tables["claim_files"] = inputs.claim_files_table(files)
    return {**tables, **inputs.vocabulary_tables()}


def _locator(dataset: Dataset):
    """Where a failing row is: its origin (found by one lookup per table), else its table and key."""
    lookups: dict[str, Any] = {}

    def locate(table: str, row: Row, field: str | None) -> tuple[str, int | None, str | None]:
        if table not in lookups:
            lookups[table] = dataset.locator(table)
        origin = lookups[table](int(row["_row"]))
        if origin is None:
            key = TABLES_BY_NAME[table].primary_key
            return table, None, record_key(row.get(name) for name in key)
        return origin.file, origin.line_of(field), origin.record_id

    return locate
