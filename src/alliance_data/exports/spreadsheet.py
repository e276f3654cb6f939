"""The spreadsheet: `alliance-data.xlsx`, one sheet per table and a codebook sheet, for readers who
open data in Excel or LibreOffice (a double-clicked CSV garbles curly quotes, dashes and line
breaks in Excel; an .xlsx does not, and the CSV files stay standard).

Each sheet has a bold, frozen header row with an autofilter, column widths fitted to the text
(capped, with long text wrapped), and the column's description as a comment on its header.
The codebook sheet lists every column of every table with its type, levels and description.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from .. import about
from ..codebook.registry import Table

SPREADSHEET_FILE = "alliance-data.xlsx"
CODEBOOK_SHEET = "codebook"
MIN_WIDTH, MAX_WIDTH = 8, 60
# Excel holds at most 32,767 characters in a cell.
CELL_LIMIT = 32_767


def _width(values: list, header: str) -> int:
    longest = max([len(header), *(len(str(value)) for value in values if value is not None)], default=len(header))
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _codebook_rows(specs: tuple[Table, ...]) -> list[list[str]]:
    rows = []
    for spec in specs:
        for column in spec.columns:
            levels = ", ".join(column.levels)
            if column.ordered:
                levels += " (ordered)"
            rows.append(
                [
                    spec.name,
                    column.name,
                    column.dtype,
                    "yes" if column.nullable else "no",
                    "yes" if column.name in spec.primary_key else "",
                    levels,
                    column.description,
                ]
            )
    return rows


def write_spreadsheet(specs: tuple[Table, ...], tables: dict[str, pa.Table], path: Path) -> Path:
    """Write every table and the codebook into one workbook at `path`."""
    import xlsxwriter

    released = datetime.strptime(about.RELEASED, "%Y-%m-%d")
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    # A fixed creation date makes the file byte-identical from build to build.
    workbook.set_properties(
        {
            "title": about.TITLE,
            "subject": f"version {about.__version__}",
            "author": "alliance-data contributors",
            "comments": about.citation(),
            "created": released,
        }
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})

    about_sheet = workbook.add_worksheet("about")
    about_sheet.set_column(0, 0, 100, wrap)
    for row, line in enumerate(
        [
            about.TITLE,
            f"Version {about.__version__}, released {about.RELEASED}.",
            about.DESCRIPTION,
            f"Cite as: {about.citation()}",
            f"Licence of the records: {about.LICENSE_TITLE}.",
            "One sheet per table; the codebook sheet describes every column.",
        ]
    ):
        about_sheet.write_string(row, 0, line, header if row == 0 else wrap)

    for spec in specs:
        table = tables[spec.name]
        sheet = workbook.add_worksheet(spec.name)
        columns = {name: table[name].to_pylist() for name in spec.column_names}
        for number, column in enumerate(spec.columns):
            values = columns[column.name]
            width = _width(values, column.name)
            sheet.set_column(number, number, width, wrap if width == MAX_WIDTH else top)
            sheet.write_string(0, number, column.name, header)
            sheet.write_comment(0, number, column.description[:CELL_LIMIT])
            for row, value in enumerate(values, start=1):
                if value is None:
                    continue
                if isinstance(value, int):
                    sheet.write_number(row, number, value)
                else:
                    sheet.write_string(row, number, str(value)[:CELL_LIMIT])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, table.num_rows, len(spec.columns) - 1)

    codebook = workbook.add_worksheet(CODEBOOK_SHEET)
    titles = ["table", "column", "type", "nullable", "key", "levels", "description"]
    widths = [16, 20, 9, 9, 5, 50, 80]
    for number, (title, width) in enumerate(zip(titles, widths, strict=True)):
        codebook.set_column(number, number, width, wrap)
        codebook.write_string(0, number, title, header)
    for row, values in enumerate(_codebook_rows(specs), start=1):
        for number, value in enumerate(values):
            codebook.write_string(row, number, value)
    codebook.freeze_panes(1, 0)
    codebook.autofilter(0, 0, row, len(titles) - 1)
    workbook.close()
    return path
