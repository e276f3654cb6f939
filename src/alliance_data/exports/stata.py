"""Stata files: one `.dta` per table (format 118, Stata 14 and later), for the many analysts of
international relations who work in Stata.

Every enumeration becomes a labelled integer whose value labels are the codebook's levels in its
order (so `certainty` sorts from `asserted` to `speculative`), every column carries its
description as variable label, and free text is stored as strL so no value is truncated.
Stata allows 80 characters in a label: longer descriptions are shortened at a word and marked
with an ellipsis; the full text is each variable's note (`notes list`), and the dataset's notes
hold the citation and the licence.

pandas writes no characteristics (where Stata keeps notes), so they are added to the file pandas
wrote: the `<characteristics>` section filled with one `<ch>` entry per note as the .dta 118
format specifies (https://www.stata.com/help.cgi?dta), and the map's offsets of the sections
after it moved by as many bytes.
"""

from __future__ import annotations

import io
import struct
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


# The .dta 118 layout around the characteristics: names in a <ch> entry take 129 bytes; the map
# holds 14 eight-byte offsets, of which those from `data` on (the 10th) follow the characteristics.
NAME_BYTES = 129
MAP_ENTRIES = 14
AFTER_CHARACTERISTICS = 9
EMPTY_CHARACTERISTICS = b"<characteristics></characteristics>"


def _characteristic(owner: str, name: str, contents: str, order: str) -> bytes:
    payload = (
        owner.encode("utf-8").ljust(NAME_BYTES, b"\0")
        + name.encode("utf-8").ljust(NAME_BYTES, b"\0")
        + contents.encode("utf-8")
        + b"\0"
    )
    return b"<ch>" + struct.pack(order + "I", len(payload)) + payload + b"</ch>"


def with_notes(data: bytes, notes: dict[str, list[str]]) -> bytes:
    """A .dta 118 file with no characteristics (as pandas writes it) with `notes` added: by owner
    (`_dta` for the dataset, else a variable's name), the texts `notes list` shows, in order.
    Stata keeps them as the characteristics note0 (how many) and note1, note2, …"""
    order = "<" if b"<byteorder>LSF</byteorder>" in data[:200] else ">"
    entries = b"".join(
        _characteristic(owner, f"note{number}", text, order)
        for owner, texts in notes.items()
        for number, text in enumerate([str(len(texts)), *texts])
    )
    start = data.index(EMPTY_CHARACTERISTICS)
    filled = b"<characteristics>" + entries + b"</characteristics>"
    shift = len(filled) - len(EMPTY_CHARACTERISTICS)
    at = data.index(b"<map>") + len(b"<map>")
    offsets = list(struct.unpack(order + f"{MAP_ENTRIES}Q", data[at : at + 8 * MAP_ENTRIES]))
    offsets[AFTER_CHARACTERISTICS:] = [offset + shift for offset in offsets[AFTER_CHARACTERISTICS:]]
    data = data[:at] + struct.pack(order + f"{MAP_ENTRIES}Q", *offsets) + data[at + 8 * MAP_ENTRIES :]
    return data[:start] + filled + data[start + len(EMPTY_CHARACTERISTICS) :]


def table_notes(spec: Table) -> dict[str, list[str]]:
    """The dataset's notes (citation, licence, source text) and each variable's full description."""
    dataset = [
        f"{spec.name}: {spec.description}",
        f"Cite: {about.citation()}",
        f"Licence: {about.LICENSE_TITLE}. {about.SOURCE_TEXT_STATUS}",
    ]
    return {"_dta": dataset, **{column.name: [" ".join(column.description.split())] for column in spec.columns}}


def write_stata(spec: Table, table: pa.Table, path: Path) -> None:
    """Write one table as a Stata 118 file with variable and value labels and notes."""
    from datetime import datetime

    frame = _frame(spec, table)
    written = io.BytesIO()
    frame.to_stata(
        written,
        write_index=False,
        version=STATA_VERSION,
        data_label=stata_label(f"{about.NAME} {about.__version__}: {spec.name}"),
        variable_labels={column.name: stata_label(column.description) for column in spec.columns},
        convert_strl=_strl_columns(frame, spec),
        time_stamp=datetime.strptime(about.RELEASED, TIME_STAMP_FORMAT),
    )
    path.write_bytes(with_notes(written.getvalue(), table_notes(spec)))


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
