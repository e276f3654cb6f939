"""The one entry point of validation: every record, then every table, all problems at once."""

from __future__ import annotations

from pathlib import Path

from .problems import ProblemList
from .reading import Dataset, read_dataset


def validate(data_dir: str | Path = "data") -> Dataset:
    """Read and validate a data directory; the complete dataset, or ValidationFailed with
    every problem found."""
    return check(*prepare(data_dir))


def read(data_dir: str | Path = "data") -> tuple[Dataset, ProblemList]:
    """Read a data directory, every record through its model; the dataset and the
    record-level problems."""
    problems = ProblemList()
    return read_dataset(Path(data_dir), problems), problems


def prepare(data_dir: str | Path = "data") -> tuple[Dataset, ProblemList]:
    """Read a data directory and derive; the dataset and the record-level problems, for
    `check` to complete."""
    from .derive import derive

    dataset, problems = read(data_dir)
    derive(dataset)
    return dataset, problems


def check(dataset: Dataset, problems: ProblemList) -> Dataset:
    """Run every table check on a derived dataset; the dataset, or ValidationFailed with the
    given problems and every new one."""
    from .rules import check_tables

    check_tables(dataset, problems)
    problems.raise_if_any()
    return dataset


def validate_dataset(dataset: Dataset) -> Dataset:
    """Validate a dataset already in memory (e.g. a column-wise corpus): derive, then every
    table check; the dataset, or ValidationFailed with every problem found."""
    from .derive import derive

    derive(dataset)
    return check(dataset, ProblemList())
