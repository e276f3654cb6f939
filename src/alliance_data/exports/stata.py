"""Stata files: one `.dta` per table (format 118, Stata 14 and later), for the many analysts of
international relations who work in Stata.

Every enumeration becomes a labelled integer whose value labels are the codebook's levels in its
order (so `certainty` sorts from `asserted` to `speculative`), every column carries its
description as variable label, and free text is stored as strL so no value is truncated.
Stata allows 80 characters in a label: longer descriptions are shortened at a word and marked
with an ellipsis; the full text is in the codebook.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from .. import about
from ..codebook.registry import Table

STATA_DIR = "stata"
STATA_VERSION = 118
LABEL_LIMIT = 80
# Stata's str# holds at most 2045 bytes; anything longer must be strL.
STR_LIMIT = 2045
# A fixed stamp keeps the files byte-identical from build to build (Stata stores one).
TIME_STAMP_FORMAT = "%Y-%m-%d"


def stata_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """`text` shortened to Stata's label limit, at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def _frame(spec: Table, table: pa.Table):
    import pandas as pd

    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for column in spec.columns:
        series = frame[column.name]
        if column.enum:
            # The Stata writer labels a categorical's codes with its categories: keep every level.
            frame[column.name] = series.cat.set_categories(column.levels, ordered=column.ordered)
        elif column.dtype == "string":
            frame[column.name] = series.astype(object).where(series.notna(), "")
        else:
            frame[column.name] = series.astype("float64") if series.isna().any() else series.astype("int64")
    return frame


def _strl_columns(frame, spec: Table) -> list[str]:
    wide = []
    for column in spec.columns:
        if column.dtype == "string":
            longest = frame[column.name].map(lambda value: len(value.encode("utf-8"))).max()
            if longest and longest > STR_LIMIT:
                wide.append(column.name)
    return wide


def write_stata(spec: Table, table: pa.Table, path: Path) -> None:
    """Write one table as a Stata 118 file with variable and value labels."""
    from datetime import datetime

    frame = _frame(spec, table)
    frame.to_stata(
        path,
        write_index=False,
        version=STATA_VERSION,
        data_label=stata_label(f"{about.NAME} {about.__version__}: {spec.name}"),
        variable_labels={column.name: stata_label(column.description) for column in spec.columns},
        convert_strl=_strl_columns(frame, spec),
        time_stamp=datetime.strptime(about.RELEASED, TIME_STAMP_FORMAT),
    )


def write_stata_files(specs: tuple[Table, ...], tables: dict[str, pa.Table], directory: Path) -> list[Path]:
    """Every table as `stata/<table>.dta` under `directory`; returns the paths written."""
    folder = directory / STATA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for spec in specs:
        path = folder / f"{spec.name}.dta"
        write_stata(spec, tables[spec.name], path)
        written.append(path)
    return written
