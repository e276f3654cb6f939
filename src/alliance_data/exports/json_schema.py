"""JSON Schema files in schema/: one per table, generated from the models, never edited by hand."""

from __future__ import annotations

import json

from ..codebook.registry import TABLES, Table


def json_schema(table: Table) -> dict:
    schema = table.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://alliance-data.github.io/schema/{table.name}.schema.json"
    schema["title"] = table.name
    schema["x-primaryKey"] = list(table.primary_key)
    schema["x-foreignKeys"] = [
        {"fields": key.column, "reference": {"resource": key.table, "fields": key.other_column}}
        for key in table.foreign_keys
    ]
    return schema


def render(table: Table) -> str:
    return json.dumps(json_schema(table), indent=2, ensure_ascii=False) + "\n"


def schema_files() -> dict[str, str]:
    """File name -> content of every JSON Schema file."""
    return {f"{table.name}.schema.json": render(table) for table in TABLES}
