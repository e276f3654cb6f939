"""The one entry point of validation: every record, then every table, all problems at once."""

from __future__ import annotations

from pathlib import Path

from ..problems import MAX_PROBLEMS, ProblemList
from .reading import Dataset, read_dataset


def validate(data_dir: str | Path = "data", max_problems: int | None = MAX_PROBLEMS) -> Dataset:
    """Read and validate a data directory; the complete dataset, or ValidationFailed with
    every problem found (the first `max_problems` in full, None for all; the rest counted)."""
    return validate_dataset(*read(data_dir, max_problems))


def row_counts(dataset: Dataset) -> dict[str, int]:
    """Rows per table of a validated dataset, derived tables included, in the registry's order."""
    from ..codebook.registry import TABLES

    return {table.name: dataset.table(table.name).num_rows for table in TABLES}


def read(data_dir: str | Path = "data", max_problems: int | None = MAX_PROBLEMS) -> tuple[Dataset, ProblemList]:
    """Read a data directory, every record through its model; the dataset and the
    record-level problems."""
    problems = ProblemList(limit=max_problems)
    return read_dataset(Path(data_dir), problems), problems


def validate_dataset(dataset: Dataset, problems: ProblemList | None = None) -> Dataset:
    """Validate a dataset already read (from a data directory, or a column-wise corpus):
    derive, then every table check; the dataset, or ValidationFailed with the given problems
    and every new one."""
    from .derive import derive

    problems = ProblemList() if problems is None else problems
    derive(dataset)
    return check_derived(dataset, problems)


def check_derived(dataset: Dataset, problems: ProblemList) -> Dataset:
    """The second half of `validate_dataset`: every table check of a derived dataset; the
    dataset, or ValidationFailed with the given problems and every new one."""
    from ..rules import check_tables

    # Checked across tables with a file unread, what that file holds would be reported missing.
    if not dataset.unread_files:
        check_tables(dataset, problems)
    problems.raise_if_any()
    return dataset
