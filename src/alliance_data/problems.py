"""Problems found in input, reported all at once, and the error that carries them.

However many problems a run finds, memory and output stay bounded: a `ProblemList` keeps the
first `limit` problems in full (first in the order they are reported: by file, line, record,
field) and only counts the others, by kind.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, field
from pathlib import Path

from .escaping import for_terminal

# Problems kept and shown in full by default; `alliance-data validate --all` shows every one.
MAX_PROBLEMS = 100
# Kinds of problem counted one by one; the rest are counted together.
_MAX_KINDS = 1000
_OTHER_KINDS = "other problems"
# Kinds listed in a report.
_KINDS_SHOWN = 20


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, and how to fix it."""

    file: str
    line: int | None
    record_id: str | None
    field: str | None
    message: str
    fix: str
    # What was checked, as a stable code: a rule's name (rules/catalog.py), a column check
    # (enum, pattern, not_nullable, ...), or a record check of reading (missing, extra_forbidden, ...).
    check: str = ""

    def __str__(self) -> str:
        # Every part may come from the data or a file name: escaped, so a problem stays two lines
        # that no value can add to or paint over.
        where = for_terminal(self.file) + (f":{self.line}" if self.line else "")
        what = " ".join(
            part
            for part in (
                f"record {for_terminal(self.record_id)}" if self.record_id else "",
                f"field {for_terminal(self.field)}" if self.field else "",
            )
            if part
        )
        message, fix = for_terminal(self.message), for_terminal(self.fix)
        return f"{where}: {what + ': ' if what else ''}{message}\n    fix: {fix}"


def _sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.record_id or "", problem.field or "", problem.message)


_VALUE = re.compile(r"\(got .*\)$|'[^']*'|\"[^\"]*\"|\d[\d,._]*")
_INDEX = re.compile(r"\[\d+\]")


def kind_of(field: str | None, message: str) -> str:
    """What sort of problem this is, without the values: 'field certainty: Input should be …'."""
    template = _VALUE.sub(lambda m: "" if m.group().startswith("(got") else "…", message).strip()
    name = _INDEX.sub("[]", field) if field else None
    return f"field {name}: {template}" if name else template


@dataclass
class ProblemList:
    """Collects problems across a whole run so they can be reported together.

    `limit` is how many are kept in full (None: all); every problem is counted by kind.
    """

    limit: int | None = MAX_PROBLEMS
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    _kinds: dict[tuple[str | None, str], str] = field(default_factory=dict, repr=False)

    def add(
        self,
        file: str | Path,
        message: str,
        fix: str,
        *,
        line: int | None = None,
        record_id: str | None = None,
        field: str | None = None,
        check: str = "",
    ) -> None:
        file = str(file)
        message = _bounded(message)
        key = (file, line or 0, record_id or "", field or "", message)
        kept = self.problems
        if self.limit is None or len(kept) < self.limit or key < _sort_key(kept[-1]):
            problem = Problem(file, line, record_id, field, message, fix, check)
            if self.limit is None:
                kept.append(problem)
            elif problem in kept:
                return  # the same problem found twice is one problem
            else:
                insort(kept, problem, key=_sort_key)
                del kept[self.limit :]
        self.total += 1
        kind = self._kinds.get((field, message))
        if kind is None:
            if len(self._kinds) > 10 * _MAX_KINDS:
                self._kinds.clear()
            kind = self._kinds[field, message] = kind_of(field, message)
        if kind not in self.counts and len(self.counts) >= _MAX_KINDS:
            kind = _OTHER_KINDS
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            if self.limit is None:
                self.problems = sorted(set(self.problems), key=_sort_key)
            raise ValidationFailed(self.problems, self.total, self.counts)


# A message quotes the value it is about; a value may be megabytes long (a text over the length
# limit), and the report must stay readable.
MESSAGE_CHARS = 500


def _bounded(message: str) -> str:
    if len(message) <= MESSAGE_CHARS:
        return message
    return f"{message[:MESSAGE_CHARS]}… (message cut: {len(message):,} characters in all)"


class AllianceDataError(Exception):
    """Base of the errors this package raises on purpose, shown to users without a traceback.

    An error that lists several problems is given them as a list of lines (the first a summary):
    its message joins them, and `lines` keeps them apart, so a command prints each escaped on a
    line of its own, and no line (a file name with a line break in it) can split or forge another.
    """

    lines: tuple[str, ...] = ()

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], list):
            self.lines = tuple(str(line) for line in args[0])
            args = ("\n  ".join(self.lines),)
        super().__init__(*args)


class ValidationFailed(AllianceDataError):
    """The input has problems; nothing was written.

    `problems` are the first ones in full, `total` how many there are, `counts` how many of
    each kind.
    """

    def __init__(self, problems: list[Problem], total: int | None = None, counts: dict[str, int] | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total
        self.counts = counts or {}
        super().__init__(self.report())

    @property
    def more(self) -> dict[str, int]:
        """How many problems of each kind are not in `problems`."""
        if self.total <= len(self.problems):
            return {}
        shown: dict[str, int] = {}
        for problem in self.problems:
            kind = kind_of(problem.field, problem.message)
            shown[kind] = shown.get(kind, 0) + 1
        more = {kind: count - shown.get(kind, 0) for kind, count in self.counts.items()}
        return dict(sorted(((k, n) for k, n in more.items() if n > 0), key=lambda item: (-item[1], item[0])))

    def report(self, hint: str = "alliance-data validate --all") -> str:
        count = self.total
        lines = [f"{count:,} problem{'s' if count != 1 else ''} found; nothing was written."]
        lines += [str(problem) for problem in self.problems]
        if count > len(self.problems):
            lines.append(f"... and {count - len(self.problems):,} more, by kind:")
            more = list(self.more.items())
            lines += [f"  {number:>9,}  {for_terminal(kind)}" for kind, number in more[:_KINDS_SHOWN]]
            if len(more) > _KINDS_SHOWN:
                rest = sum(number for _, number in more[_KINDS_SHOWN:])
                lines.append(f"  {rest:>9,}  of {len(more) - _KINDS_SHOWN:,} other kinds")
            lines.append(f"To list every problem: {hint} (or --json for scripts).")
        return "\n".join(lines)
