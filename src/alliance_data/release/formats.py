"""The files a release carries beyond the build's Parquet, CSV and SQLite: the formats other
communities read (Stata, a spreadsheet) and the citation and licence files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..exports.spreadsheet import SPREADSHEET_FILE, write_spreadsheet
from ..exports.stata import write_stata_files
from ..registry import TABLES
from .citation import CITATION_FILES, release_name


def write_release_formats(tables: dict[str, pa.Table], directory: Path) -> None:
    write_stata_files(TABLES, tables, directory)
    write_spreadsheet(TABLES, tables, directory / SPREADSHEET_FILE)
    for name, render in CITATION_FILES.items():
        (directory / release_name(name)).write_text(render(), encoding="utf-8")
