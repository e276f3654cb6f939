"""Every derived artefact agrees with the pydantic models on names, types, nullability,
enumerations and descriptions. The expectations are read off the models' fields directly
(pydantic's own field info), not from the `columns()` helper the artefacts use."""

from __future__ import annotations

import json
import sqlite3
import types
import typing
from enum import Enum
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alliance_data.codebook import plain_text
from alliance_data.codebook.models import MAX_TEXT_LENGTH
from alliance_data.codebook.plain_text import PlainText
from alliance_data.codebook.registry import TABLES
from alliance_data.exports.json_schema import schema_files
from alliance_data.exports.sqlite import table_ddl
from alliance_data.rules import table_schema
from alliance_data.rules.columns import constraints

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "src" / "alliance_data" / "data"


def expected_fields(model):
    """(name, base type, nullable, enum values, description) straight from pydantic."""
    out = []
    for name, info in model.model_fields.items():
        annotation, nullable = info.annotation, False
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation, nullable = args[0], True
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        enum = [m.value for m in annotation] if isinstance(annotation, type) and issubclass(annotation, Enum) else None
        base = "enum" if enum else {str: "string", int: "integer"}[annotation]
        out.append((name, base, nullable, enum, info.description))
    return out


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_pandera_schema_agrees(table):
    schema = table_schema(table)
    assert list(schema.columns) == [f[0] for f in expected_fields(table.model)]
    for name, base, nullable, enum, description in expected_fields(table.model):
        column = schema.columns[name]
        assert column.nullable is nullable, name
        assert column.description == description, name
        assert str(column.dtype) == ("Int64" if base == "integer" else "string[pyarrow]"), name
        isin = [c for c in column.checks if c.name == "enum"]
        if enum:
            assert isin and list(isin[0].statistics["allowed_values"]) == enum, name
        else:
            assert not isin, name
    assert schema.unique == list(table.primary_key)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_json_schema_agrees(table):
    schema = json.loads(schema_files()[f"{table.name}.schema.json"])
    properties = schema["properties"]
    assert list(properties) == [f[0] for f in expected_fields(table.model)]
    for name, base, nullable, enum, description in expected_fields(table.model):
        prop = properties[name]
        assert prop["description"] == description, name
        variants = prop.get("anyOf", [prop])
        types_ = {v.get("type") for v in variants if "$ref" not in v}
        refs = [v["$ref"] for v in variants if "$ref" in v] + ([prop["$ref"]] if "$ref" in prop else [])
        assert ("null" in types_) is nullable, name
        assert (name in schema.get("required", [])) is (not nullable and prop.get("default", "absent") == "absent"), (
            name
        )
        if enum:
            definition = schema["$defs"][refs[0].split("/")[-1]]
            assert definition["enum"] == enum, name
        else:
            assert {"string": "string", "integer": "integer"}[base] in types_, name
        patterns = [m.pattern for m in table.model.model_fields[name].metadata if getattr(m, "pattern", None)]
        if patterns:
            assert [v.get("pattern") for v in variants if v.get("type") == "string"] == patterns, name


def test_committed_json_schema_files_are_current():
    from tools.package import stale_schemas

    assert stale_schemas() == [], "run `python -m tools.package` (and remove a schema file no table has)"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_sqlite_ddl_agrees(table, tmp_path):
    db = sqlite3.connect(tmp_path / "t.db")
    for other in TABLES:  # parents must exist for REFERENCES to be meaningful
        db.execute(table_ddl(other))
    info = db.execute(f"PRAGMA table_info([{table.name}])").fetchall()
    expected = expected_fields(table.model)
    assert [row[1] for row in info] == [f[0] for f in expected]
    for row, (name, base, nullable, enum, _) in zip(info, expected, strict=True):
        assert row[2] == ("INTEGER" if base == "integer" else "TEXT"), name
        assert bool(row[3]) is (not nullable), name
        if enum:
            # The CHECK constraint admits exactly the enumeration.
            sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table.name,)).fetchone()[0]
            assert "(" + " OR ".join(f"[{name}] = {v!r}" for v in enum) + ")" in sql, name
    pk = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    assert pk == list(table.primary_key)
    fks = {(row[3], row[2], row[4]) for row in db.execute(f"PRAGMA foreign_key_list([{table.name}])")}
    assert fks == {(k.column, k.table, k.other_column) for k in table.foreign_keys}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_parquet_schema_agrees(table):
    schema = pq.read_schema(PACKAGED / f"{table.name}.parquet")
    expected = expected_fields(table.model)
    assert schema.names == [f[0] for f in expected]
    for (name, base, nullable, enum, description), field in zip(expected, schema, strict=True):
        assert field.nullable is nullable, name
        assert field.metadata[b"description"].decode() == description, name
        if enum:
            assert pa.types.is_dictionary(field.type), name
            assert json.loads(field.metadata[b"levels"]) == enum, name
        else:
            assert field.type == (pa.int64() if base == "integer" else pa.string()), name


def test_every_column_has_a_description():
    for table in TABLES:
        assert table.description, table.name
        for name, *_, description in expected_fields(table.model):
            assert description and len(description) > 10, f"{table.name}.{name}"


def _plain_in_model(model, name):
    """Whether a field carries the plain-text constraint, read off pydantic's field info (inside
    `| None` too)."""
    info = model.model_fields[name]
    annotations = [info.annotation, *typing.get_args(info.annotation)]
    inner = [m for a in annotations if typing.get_origin(a) is typing.Annotated for m in a.__metadata__]
    metadata = [*info.metadata, *inner]
    return any(isinstance(item, PlainText) for item in metadata)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_text_constraints_agree(table):
    """The plain-text constraint and the length limit are in the pydantic, pandera, JSON Schema
    and Spark views of every text field, and each view refuses what the model refuses."""
    from alliance_data.distributed.validate import column_query

    schema = table_schema(table)
    on_spark = column_query(table)
    properties = json.loads(schema_files()[f"{table.name}.schema.json"])["properties"]
    columns = {column.name: column for column in table.columns}
    for name, base, _, enum, _ in expected_fields(table.model):
        plain = _plain_in_model(table.model, name)
        checks = {check.name: check for check in schema.columns[name].checks}
        variants = properties[name].get("anyOf", [properties[name]])
        strings = [v for v in variants if v.get("type") == "string"]
        assert ("plain_text" in checks) is plain, name
        assert ("plain_text" in dict(constraints(columns[name]))) is plain, name
        assert (f"'plain_text:{name}'" in on_spark) is plain, name
        if plain:
            assert [v["pattern"] for v in strings] == [plain_text.PATTERN], name
        if base == "string" and not enum:
            assert checks["max_length"].statistics["max_value"] == MAX_TEXT_LENGTH, name
            assert [v["maxLength"] for v in strings] == [MAX_TEXT_LENGTH], name
            assert dict(constraints(columns[name]))["max_length"] == MAX_TEXT_LENGTH, name
            assert f"'max_length:{name}'" in on_spark, name


HIDDEN = ["a\u202eb", "zero\u200bwidth", "bell\x07", "line\nbreak", "   ", "\u3000\u00a0", "\u2066x\u2069"]


@pytest.mark.parametrize("value", HIDDEN)
def test_every_view_of_the_plain_text_constraint_refuses_the_same(value):
    """pydantic, a JSON Schema validator with the published schema, and Arrow's RE2 form (pandera)
    refuse each hidden or blank value, and accept a visible one."""
    import duckdb
    import jsonschema
    import pandas as pd
    import pydantic

    from alliance_data.codebook.models import Topic
    from alliance_data.rules.columns import sql_fails
    from alliance_data.rules.schema import _plain

    label = json.loads(schema_files()["topics.schema.json"])["properties"]["label"]
    for text, plain in ((value, False), ("Iran and Russia", True)):
        try:
            Topic(topic_id="area-x", kind="area", label=text, description="A topic.")
            assert plain, text
        except pydantic.ValidationError:
            assert not plain, text
        assert jsonschema.Draft202012Validator(label).is_valid(text) is plain
        series = pd.Series([text], dtype=pd.StringDtype("pyarrow", na_value=float("nan")))
        assert bool(_plain(series).iloc[0]) is plain
        # The SQL form the Spark path runs, here in DuckDB (tests/test_spark.py runs it on both).
        with duckdb.connect() as connection:
            query = f"SELECT {sql_fails('plain_text', True, '$value')}"
            refused = connection.execute(query, {"value": text}).fetchall()[0][0]
        assert refused is not plain, text
