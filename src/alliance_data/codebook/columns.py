"""Column specifications read off the pydantic models.

`columns(model)` turns each field of a model into a plain `Column`: the form every
derived artefact (pandera schema, JSON Schema, SQLite DDL, Parquet schema, codebook,
Datasette metadata) is generated from. Nothing here restates a field.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .plain_text import PlainText
from .vocabulary import DescribedEnum


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "string", "integer" or "enum"
    nullable: bool
    description: str
    enum: type[DescribedEnum] | None = None
    pattern: str | None = None
    min_length: int | None = None
    # Text columns: the longest value (the models' MAX_TEXT_LENGTH), and whether the value must be
    # plain text of our own (plain_text.py).
    max_length: int | None = None
    plain: bool = False
    ge: int | None = None
    le: int | None = None
    derived: bool = False

    @property
    def levels(self) -> list[str]:
        return self.enum.values() if self.enum else []

    @property
    def ordered(self) -> bool:
        return bool(self.enum and self.enum.__ordered__)


def _base_type(annotation: object) -> tuple[object, bool, list[object]]:
    """The annotation without `| None` or `Annotated`, whether None was allowed, and the
    constraints found inside `Annotated` (e.g. `Year | None`)."""
    nullable = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        annotation, nullable = args[0], True
    metadata: list[object] = []
    if get_origin(annotation) is Annotated:
        annotation, *inner = get_args(annotation)
        for item in inner:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, nullable, metadata


def _constraint(metadata: list[object], name: str) -> object:
    for item in metadata:
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def column(name: str, info: FieldInfo, str_max_length: int | None = None) -> Column:
    base, nullable, inner = _base_type(info.annotation)
    metadata = [*info.metadata, *inner]
    if isinstance(base, type) and issubclass(base, Enum):
        if not issubclass(base, DescribedEnum):
            raise TypeError(f"{name}: enumerations must be DescribedEnum")
        dtype, enum = "enum", base
    elif base is str:
        dtype, enum = "string", None
    elif base is int:
        dtype, enum = "integer", None
    else:
        raise TypeError(f"{name}: unsupported column type {base!r}")
    if not info.description:
        raise ValueError(f"{name}: every column needs a description")
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return Column(
        name=name,
        dtype=dtype,
        nullable=nullable,
        description=info.description,
        enum=enum,
        pattern=_constraint(metadata, "pattern"),
        min_length=_constraint(metadata, "min_length"),
        max_length=(_constraint(metadata, "max_length") or str_max_length) if dtype == "string" else None,
        plain=any(isinstance(item, PlainText) for item in metadata),
        ge=_constraint(metadata, "ge"),
        le=_constraint(metadata, "le"),
        derived=bool(extra.get("derived")),
    )


def columns(model: type[BaseModel]) -> list[Column]:
    """The columns of a table, in model order."""
    limit = model.model_config.get("str_max_length")
    return [column(name, info, limit) for name, info in model.model_fields.items()]
