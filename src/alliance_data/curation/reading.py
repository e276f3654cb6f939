"""Reading a data directory into validated records (the record-level checks, by pydantic).

`read_dataset(data_dir)` reads every authored file, validates each record against its
model and returns every authored table (each made an Arrow table once, when the reading
ends) with where each row came from. Every problem of the run is collected; the caller
decides when to stop.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ValidationError

from ..codebook import models
from ..codebook.columns import Column, columns
from ..codebook.fixes import constraint_fix
from ..codebook.registry import CHECKED_TABLES, TABLES, TABLES_BY_NAME, Table
from ..filesystem.bounded_read import list_folder, read_inside
from ..problems import ProblemList
from .authoring import AuthoredRecord, read_records

SOURCES_DIR = "sources"
# A source text is longer than an authored file but still read whole; this bounds the read.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
# Values shown in a message are cut to this many characters.
_SHOWN_CHARS = 80
RETIRED_IDS_FILE = "retired_ids.yaml"
# The key an entry nested in a claim (its `actors:`) takes from the claim it is written in.
INHERITED_KEY = "claim_id"


def row_numbers(count: int) -> pa.Array:
    """0 … count - 1 as int64: each row's position, which messages use to find its origin.
    Counted up in Arrow: built from a Python range, it was a measurable share of the checks at
    a million claims (benchmarks/NOTES.md)."""
    ones = pc.fill_null(pa.nulls(count, pa.int64()), 1)
    return pc.subtract(pc.cumulative_sum(ones), 1) if count else ones


def plain_type(column: Column) -> pa.DataType:
    """The type of a column before enumerations are encoded: what validation reads."""
    return pa.int64() if column.dtype == "integer" else pa.string()


def plain_table(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as Arrow columns in their given order, enumerations as text (so an invalid
    value can still be held and reported); missing keys are null."""
    return plain_columns(table, {column.name: [row.get(column.name) for row in rows] for column in table.columns})


def plain_columns(table: Table, values: dict[str, list[Any]]) -> pa.Table:
    """`plain_table` of rows given column by column (every column of the table, equally long)."""
    return pa.table({column.name: pa.array(values[column.name], plain_type(column)) for column in table.columns})


@dataclass(frozen=True)
class Origin:
    """Where a row was authored, for error messages."""

    file: str
    line: int
    record_id: str | None
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def line_of(self, column: str | None) -> int:
        return self.key_lines.get(column, self.line) if column else self.line


@dataclass
class Dataset:
    """Every table of a dataset, with where its rows came from, plus the source texts.

    Each table is held once, as an Arrow table in authored row order with enumerations as text
    (see `plain_table`): `table(name)`. `origins[name]` lists where its authored
    rows were written, in the same order (none for a column-wise corpus); `origin(name, index)`
    says where one row came from. A table is replaced whole (`set_table`), never edited in
    place, so nothing derived from it can go stale.
    """

    data_dir: Path
    tables: dict[str, Any]
    origins: dict[str, list[Origin]]
    texts: dict[str, str]
    retired_ids: dict[str, str]
    # Primary keys of records that failed record-level checks, by table.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)
    # Files that could not be read to their end: the tables are incomplete.
    unread_files: list[str] = field(default_factory=list)
    # Tables whose rows stand for rows of another table: an actor pair is reported at its claim.
    # The certainty cues the build finds in quotes come after the authored (governing) ones.
    reported_at: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {"actor_pairs": ("claims", "claim_id"), "certainty_cues": ("claims", "claim_id")}
    )

    def table(self, name: str):
        """The table as an Arrow table in row order (`pyarrow.Table`); empty if nothing was read into it."""
        table = self.tables.get(name)
        if table is None:
            return plain_table(TABLES_BY_NAME[name], [])
        return table

    def set_table(self, name: str, table) -> None:
        """Replace a table whole (a derived column or table); its first rows keep their origins."""
        self.tables[name] = table

    def origin(self, name: str, index: int) -> Origin | None:
        """Where row `index` of a table came from (None when unknown). For many rows of one
        table, `locator(name)` finds them without searching the table for each."""
        return self._origin(name, index, self._search_parent)

    def locator(self, name: str) -> Callable[[int], Origin | None]:
        """`origin(name, ·)` for many rows of one table: the lookup of the rows that stand for
        rows of another table (`reported_at`) is made once, here, and held by the caller."""
        if name not in self.reported_at:
            return lambda index: self._origin(name, index, self._search_parent)
        parent, key = self.reported_at[name]
        positions = {value: position for position, value in enumerate(self.table(parent)[key].to_pylist())}
        keys = self.table(name)[key]
        return lambda index: self._origin(name, index, lambda _, row: positions.get(keys[row].as_py()))

    def _origin(self, name: str, index: int, parent_position: Callable[[str, int], int | None]) -> Origin | None:
        origins = self.origins.get(name)
        if origins is not None and 0 <= index < len(origins):
            return origins[index]
        table = self.tables.get(name)
        if table is None or not 0 <= index < table.num_rows:
            return None
        if name in self.reported_at:
            position = parent_position(name, index)
            return None if position is None else self.origin(self.reported_at[name][0], position)
        if origins is None:
            # A column-wise corpus: the row's position in its table and its key.
            key = TABLES_BY_NAME[name].primary_key[0]
            return Origin(f"{name} (row {index + 1})", 0, str(table[key][index].as_py()))
        return None

    def _search_parent(self, name: str, index: int) -> int | None:
        """The position of the parent row a row stands for, searched in Arrow (of repeated
        keys the last, as a lookup by key finds it)."""
        import pyarrow.compute as pc

        parent, key = self.reported_at[name]
        value = self.tables[name][key][index]
        found = pc.indices_nonzero(pc.fill_null(pc.equal(self.table(parent)[key], value), False))
        return found[-1].as_py() if len(found) else None


def _display(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent)) if data_dir.parent != Path() else str(path)
    except ValueError:
        return str(path)


def _fix_for(error: dict[str, Any], model: type[BaseModel], column: str) -> str:
    return _fix(model, column, error["type"])


@functools.lru_cache(maxsize=4096)  # a file of bad records asks the same a million times
def _fix(model: type[BaseModel], name: str, kind: str) -> str:
    described = {column.name: column for column in columns(model)}
    return constraint_fix(kind, name, described.get(name), model.model_fields)


def validate_record(
    model: type[BaseModel],
    data: dict[str, Any],
    record: AuthoredRecord,
    display: str,
    record_id: str | None,
    problems: ProblemList,
    *,
    item: tuple[str, int] | None = None,
) -> dict[str, Any] | None:
    """One record through its model; a JSON-ready row, or None after adding problems."""
    derived = [name for name in _derived_fields(model) if name in data]
    for name in derived:
        problems.add(
            display,
            f"'{name}' is computed by the build and cannot be written by hand",
            f"remove the '{name}:' line",
            line=record.line_of(name),
            record_id=record_id,
            field=name,
            check="derived_field",
        )
    # What the reading already reported in this record or entry (a duplicate key, a merge key,
    # a number out of range): it is not used, and the model's complaints would repeat it.
    prefix = item or ()
    flawed = {place[len(prefix)] for place in record.flawed if place[: len(prefix)] == prefix and place != prefix}
    reported = {name for name in flawed if (*prefix, name) in record.flawed}
    try:
        instance = model.model_validate({k: v for k, v in data.items() if k not in derived})
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            column = str(detail["loc"][0]) if detail["loc"] else None
            if column in reported:
                continue
            line = record.line_of(*item, column) if item else record.line_of(column)
            problems.add(
                display,
                f"{detail['msg']} (got {_shown(detail['input'])})"
                if detail["type"] != "missing"
                else "required field is missing",
                _fix_for(detail, model, column or ""),
                line=line,
                record_id=record_id,
                field=f"{item[0]}[{item[1]}].{column}" if item else column,
                check=detail["type"],
            )
        return None
    unusable = prefix in record.flawed or flawed & data.keys()
    return None if derived or unusable else instance.model_dump(mode="json")


def _shown(value: Any) -> str:
    """A value as a message shows it: its repr, cut short (a long value's repr is never built whole)."""
    head = value
    if isinstance(value, (str, list)) and len(value) > _SHOWN_CHARS:
        head = value[:_SHOWN_CHARS]
    elif isinstance(value, dict) and len(value) > 8:
        head = dict(list(value.items())[:8])
    text = repr(head)
    if len(text) <= _SHOWN_CHARS and head is value:
        return text
    size = f" ({len(value):,} long)" if head is not value else ""
    return f"{text[:_SHOWN_CHARS]}…{size}"


@functools.cache
def _derived_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, info in model.model_fields.items() if _is_derived(info))


def _is_derived(info: Any) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("derived"))


def _authored_files(data_dir: Path, pattern: str, problems: ProblemList) -> list[Path] | None:
    """The files of a table: one file, or the files of a folder ('claims/*.yaml'); None when
    the folder cannot be listed (a problem is added)."""
    if "*" not in pattern:
        return [data_dir / pattern]
    folder, suffix = pattern.split("/*")
    return list_folder(data_dir / folder, data_dir, suffix, problems, _display(data_dir / folder, data_dir))


class _Rows:
    """The rows of every table as they are read, column by column (no dict kept per row), with
    their origins; each table becomes one Arrow table when the reading ends (`tables`)."""

    def __init__(self) -> None:
        self.values = {table.name: {name: [] for name in table.column_names} for table in CHECKED_TABLES}
        self.origins: dict[str, list[Origin]] = {table.name: [] for table in CHECKED_TABLES}

    def add(self, table: str, row: dict[str, Any], origin: Origin) -> None:
        for name, values in self.values[table].items():
            values.append(row.get(name))
        self.origins[table].append(origin)

    def tables(self) -> dict[str, Any]:
        """Every table in its Arrow form; the columns read are let go as each is converted."""
        return {name: plain_columns(TABLES_BY_NAME[name], self.values.pop(name)) for name in list(self.values)}


def read_dataset(data_dir: Path, problems: ProblemList) -> Dataset:
    data_dir = Path(data_dir)
    rows = _Rows()
    dataset = Dataset(data_dir, {}, rows.origins, {}, {})
    if not data_dir.is_dir():
        problems.add(
            str(data_dir),
            "data directory not found",
            "pass the path of a data directory (default ./data)",
            check="data_dir_missing",
        )
        dataset.unread_files.append(str(data_dir))
        dataset.tables = rows.tables()
        return dataset
    for table in TABLES:
        if table.authored is None or "#" in table.authored:
            continue
        files = _authored_files(data_dir, table.authored, problems)
        if not files:
            dataset.unread_files.append(_display(data_dir / table.authored, data_dir))
        if files == []:
            problems.add(
                _display(data_dir / table.authored, data_dir),
                "no files found",
                f"add {table.authored}",
                check="no_files",
            )
        for path in files or ():
            _read_table_file(dataset, rows, table.name, path, problems)
    _read_curation_lists(dataset, rows, problems)
    dataset.tables = rows.tables()
    _read_source_texts(dataset, problems)
    return dataset


def _read_table_file(dataset: Dataset, rows: _Rows, table_name: str, path: Path, problems: ProblemList) -> None:
    table = TABLES_BY_NAME[table_name]
    display = _display(path, dataset.data_dir)
    record_id = _record_id(table_name)
    for record in read_records(
        path,
        problems,
        display,
        root=dataset.data_dir,
        record_id=record_id,
        missing=f"create {path.name} (write [] for no records)",
        unread=dataset.unread_files,
    ):
        data = dict(record.data)
        identifier = record_id(data)
        if table_name == "claims":
            _read_claim_actors(rows, data.pop("actors", None), record, display, identifier, problems)
        row = validate_record(table.model, data, record, display, identifier, problems)
        if row is not None:
            rows.add(table_name, row, Origin(display, record.line, identifier, record.key_lines))
        elif identifier is not None:
            dataset.invalid_ids.setdefault(table_name, set()).add(identifier)


def _record_id(table_name: str) -> Callable[[dict[str, Any]], str | None]:
    """How a record of the table is named in messages: its key (a link: 'from->to'; a span of
    the text: 'source@offset')."""
    if table_name in ("claim_links", "second_links"):
        return lambda data: f"{_shown_id(data.get('from_claim'))}->{_shown_id(data.get('to_claim'))}"
    if table_name in ("link_signals", "second_segmentation"):
        return lambda data: f"{_shown_id(data.get('source_id'))}@{_shown_id(_span_start(data))}"
    key = TABLES_BY_NAME[table_name].primary_key[0]
    return lambda data: _shown_id(data.get(key))


def _span_start(data: dict[str, Any]) -> Any:
    return data.get("signal_start", data.get("char_start"))


def _shown_id(value: Any) -> str | None:
    return None if value is None else str(value) if isinstance(value, (str, int)) else _shown(value)


def _read_claim_actors(
    rows: _Rows, entries: Any, record: AuthoredRecord, display: str, claim_id: str | None, problems: ProblemList
) -> None:
    # The list may be empty (a claim about "the global landscape" names no one) but must
    # be written, so a forgotten list is caught.
    if not isinstance(entries, list):
        problems.add(
            display,
            "a claim needs an 'actors:' list",
            "add 'actors:' with '- actor_id: ...' and 'role: ...' entries, or 'actors: []' if it names no actor",
            line=record.line_of("actors"),
            record_id=claim_id,
            field="actors",
            check="actors_missing",
        )
        return
    for index, entry in enumerate(entries):
        line = record.line_of("actors", index)
        if isinstance(entry, dict) and INHERITED_KEY in entry:
            # The entry belongs to the claim it is written in, and to no other.
            problems.add(
                display,
                f"an actor entry takes its {INHERITED_KEY} from the claim it is written in",
                f"remove the '{INHERITED_KEY}:' line; to name the actor in another claim, add the entry there",
                line=record.line_of("actors", index, INHERITED_KEY),
                record_id=claim_id,
                field=f"actors[{index}].{INHERITED_KEY}",
                check="actor_entry_claim_id",
            )
            continue
        if not isinstance(entry, dict):
            problems.add(
                display,
                "each actor entry must be a mapping",
                "write '- actor_id: X' and 'role: Y'",
                line=line,
                record_id=claim_id,
                field=f"actors[{index}]",
                check="actor_entry_not_mapping",
            )
            continue
        row = validate_record(
            models.ClaimActor,
            {**entry, INHERITED_KEY: claim_id},
            record,
            display,
            claim_id,
            problems,
            item=("actors", index),
        )
        if row is not None:
            lines = {name: record.line_of("actors", index, name) for name in entry}
            rows.add("claim_actors", row, Origin(display, line, claim_id, lines))


def _read_curation_lists(dataset: Dataset, rows: _Rows, problems: ProblemList) -> None:
    """Retired ids: a curation input, not a published table."""
    for name, file_name, model, key, target in (
        ("retired_ids", RETIRED_IDS_FILE, models.RetiredId, "id", dataset.retired_ids),
    ):
        path = dataset.data_dir / file_name
        if not os.path.lexists(path):
            continue
        display = _display(path, dataset.data_dir)
        identify = lambda data, key=key: _shown_id(data.get(key))  # noqa: E731
        records = read_records(
            path, problems, display, root=dataset.data_dir, record_id=identify, unread=dataset.unread_files
        )
        for record in records:
            row = validate_record(model, record.data, record, display, identify(record.data), problems)
            if row is not None:
                target[row[key]] = row["reason"]
                # Also as rows, so the table checks see every entry (repeats too) with its line.
                rows.add(name, row, Origin(display, record.line, row[key], record.key_lines))


def _read_source_texts(dataset: Dataset, problems: ProblemList) -> None:
    for row, origin in zip(dataset.table("sources").to_pylist(), dataset.origins["sources"], strict=True):
        path = dataset.data_dir / SOURCES_DIR / row["file_name"]
        display = _display(path, dataset.data_dir)
        if not os.path.lexists(path):
            problems.add(
                origin.file,
                f"source text {display} not found",
                "put the source text there, byte for byte",
                line=origin.line_of("file_name"),
                record_id=row["source_id"],
                field="file_name",
                check="source_text_missing",
            )
            dataset.unread_files.append(display)
            continue
        raw = read_inside(
            path, dataset.data_dir, MAX_SOURCE_BYTES, problems, display, "a source text", record_id=row["source_id"]
        )
        if raw is None:
            dataset.unread_files.append(display)
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != row["sha256"]:
            problems.add(
                origin.file,
                f"{display} has SHA-256 {digest}, not the recorded {row['sha256']}: "
                "the source text changed after curation",
                "restore the original file (sources are never edited); a new snapshot is a new source with its own id",
                line=origin.line_of("sha256"),
                record_id=row["source_id"],
                field="sha256",
                check="source_text_changed",
            )
            continue
        try:
            # Offsets index the text exactly as stored: no BOM stripping, no newline folding.
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.add(
                display,
                f"source text is not UTF-8 (byte offset {error.start})",
                "store the text as UTF-8",
                record_id=row["source_id"],
                check="source_text_not_utf8",
            )
            continue
        if len(text) != row["char_count"]:
            problems.add(
                origin.file,
                f"char_count is {row['char_count']} but the text has {len(text)} characters",
                f"set char_count: {len(text)}",
                line=origin.line_of("char_count"),
                record_id=row["source_id"],
                field="char_count",
                check="char_count",
            )
        dataset.texts[row["source_id"]] = text
