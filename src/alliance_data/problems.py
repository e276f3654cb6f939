"""Problems found in input, reported all at once, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, and how to fix it."""

    file: str
    line: int | None
    record_id: str | None
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = " ".join(
            part
            for part in (
                f"record {self.record_id}" if self.record_id else "",
                f"field {self.field}" if self.field else "",
            )
            if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}\n    fix: {self.fix}"


@dataclass
class ProblemList:
    """Collects problems across a whole run so they can be reported together."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str | Path,
        message: str,
        fix: str,
        *,
        line: int | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(str(file), line, record_id, field, _bounded(message), fix))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed(sorted(set(self.problems), key=_sort_key))


# A message quotes the value it is about; a value may be megabytes long (a text over the length
# limit), and the report must stay readable.
MESSAGE_CHARS = 500


def _bounded(message: str) -> str:
    if len(message) <= MESSAGE_CHARS:
        return message
    return f"{message[:MESSAGE_CHARS]}… (message cut: {len(message):,} characters in all)"


def _sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.record_id or "", problem.field or "", problem.message)


class AllianceDataError(Exception):
    """Base of the errors this package raises on purpose, shown to users without a traceback."""


class ValidationFailed(AllianceDataError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} found; nothing was written."]
        lines += [str(problem) for problem in self.problems]
        return "\n".join(lines)
