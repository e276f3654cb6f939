"""Failures as Problems, the same for both engines: where, what is wrong, how to fix it, and
the check's stable code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..problems import ProblemList
from .rule import Row, Rule, RuleContext

# Where a failing row is: (file, line of the field, record id).
Locate = Callable[[str, Row, str | None], tuple[str, int | None, str | None]]


def report_rule(rule: Rule, rows: Iterable[Row], locate: Locate, context: RuleContext, problems: ProblemList) -> None:
    for row in rows:
        file, line, record_id = locate(rule.table, row, rule.field)
        message = rule.message(row, context)
        problems.add(file, message, rule.fix, line=line, record_id=record_id, field=rule.field, check=rule.check)


def report_unchecked(rule: Rule, error: Exception, problems: ProblemList) -> None:
    """A rule whose query could not run (its inputs are broken in a way reported elsewhere)."""
    problems.add(rule.table, f"rule {rule.check} could not be checked: {error}", rule.fix, check=rule.check)


def record_key(values: Iterable[Any]) -> str:
    """A record's key as one text, the parts joined by '|'."""
    return "|".join(str(value) for value in values)
