"""The one entry point of validation: every record, then every table, all problems at once."""

from __future__ import annotations

from pathlib import Path

from .problems import ProblemList
from .reading import Dataset, read_dataset


def validate(data_dir: str | Path = "data") -> Dataset:
    """Read and validate a data directory; the complete dataset, or ValidationFailed with
    every problem found."""
    from .derive import derive
    from .rules import check_tables

    problems = ProblemList()
    dataset = read_dataset(Path(data_dir), problems)
    derive(dataset)
    check_tables(dataset, problems)
    problems.raise_if_any()
    return dataset
