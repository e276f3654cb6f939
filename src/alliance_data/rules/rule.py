"""What a table rule is: one failing-rows query, and how a failing row becomes a message.

A rule's `query` is SQL in DuckDB's dialect over the tables of a dataset, each with a `_row`
column (the row's position, for its origin; null where rows have no position). It returns the
rows of `table` that break the rule, with their key and whatever the message needs. The same
text is run by DuckDB over the Arrow tables on one machine and, translated by sqlglot, by Spark
SQL over a partitioned corpus (`engines.py`). Only `message` is Python: it turns one failing row
into words, and may look up a source text or a relation through the `RuleContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class RuleContext(Protocol):
    """What a message may look up besides its row: a source text, a computed relation's rows."""

    def text(self, source_id: str | None) -> str | None: ...

    def relation(self, name: str) -> list[tuple[Any, ...]]: ...


Row = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """A check across rows or tables. `check` is its stable code (in every Problem it yields,
    in `--json` and in the benchmarks); `field` is the field a problem points at."""

    check: str
    table: str
    field: str
    query: str
    message: Callable[[Row, RuleContext], str]
    fix: str


@dataclass(frozen=True)
class Relation:
    """A table some rules join that SQL cannot compute well (a graph search): `inputs` is a
    query, `compute` turns its rows into the relation's rows, `columns` names them. Computed
    once per run, on one machine or on the Spark driver, by the same code."""

    name: str
    inputs: str
    compute: Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]
    columns: tuple[tuple[str, str], ...]
