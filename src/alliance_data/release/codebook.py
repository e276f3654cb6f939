"""The codebook: every table, column, type, enumeration and description, generated from the models."""

from __future__ import annotations

from .. import about
from ..codebook.registry import TABLES


def render(version: str = about.__version__) -> str:
    lines = [
        f"# Codebook: alliance-data {version}",
        "",
        "<!-- Generated from the models (src/alliance_data/codebook/models.py); do not edit. -->",
        "",
        about.DESCRIPTION,
        "",
        "Types: `string` is UTF-8 text; `integer` a whole number; `category` one value of the listed",
        "levels (in Parquet a dictionary column, in pandas a categorical; ordered where noted).",
        "Nullable columns are empty in CSV and NULL in SQLite when there is no value.",
        "",
        "## Tables",
        "",
    ]
    lines += [f"- [`{table.name}`](#{table.name}): {table.description}" for table in TABLES]
    for table in TABLES:
        lines += ["", f"## {table.name}", "", table.description, ""]
        lines.append(f"Primary key: {', '.join(f'`{key}`' for key in table.primary_key)}.")
        if table.foreign_keys:
            references = ", ".join(f"`{k.column}` → `{k.table}.{k.other_column}`" for k in table.foreign_keys)
            lines.append(f"Foreign keys: {references}.")
        if table.authored is None:
            lines.append("Derived by the build; not authored by hand.")
        lines += ["", "| column | type | nullable | description |", "|---|---|---|---|"]
        for column in table.columns:
            kind = "category" if column.enum else column.dtype
            constraints = []
            if column.pattern:
                constraints.append(f"pattern `{column.pattern}`")
            if column.ge is not None or column.le is not None:
                constraints.append(f"range {column.ge if column.ge is not None else ''}..{column.le or ''}")
            if column.derived:
                constraints.append("computed by the build")
            extra = f" ({'; '.join(constraints)})" if constraints else ""
            description = column.description.replace("|", "\\|")
            lines.append(f"| `{column.name}` | {kind} | {'yes' if column.nullable else 'no'} | {description}{extra} |")
        enums = [column for column in table.columns if column.enum]
        for column in enums:
            ordered = " (ordered, strongest/earliest first)" if column.ordered else ""
            lines += ["", f"Levels of `{column.name}`{ordered}:", ""]
            for member in column.enum:
                line = f"- `{member.value}`: {member.description}"
                if getattr(member, "aif", ""):  # relations: typical signals and the AIF counterpart
                    signals = ", ".join(f"“{signal}”" for signal in member.signals)
                    line += f" Typical signals: {signals}. Argument Interchange Format: {member.aif}."
                lines.append(line)
    return "\n".join(lines) + "\n"
