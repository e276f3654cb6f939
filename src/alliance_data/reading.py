"""Reading a data directory into validated records (the record-level checks, by pydantic).

`read_dataset(data_dir)` reads every authored file, validates each record against its
model and returns the rows of every authored table with where each row came from. Every
problem of the run is collected; the caller decides when to stop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import models
from .authoring import AuthoredRecord, read_records
from .problems import ProblemList
from .registry import TABLES, TABLES_BY_NAME

SOURCES_DIR = "sources"
RETIRED_IDS_FILE = "retired_ids.yaml"


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
    """Every table of a dataset, with where each row came from, plus the source texts.

    A table is held either as authored rows (`rows`, with `origins`) or column-wise as an
    Arrow table (`columns`: derived tables, and corpora too large for rows). `table(name)`
    gives the Arrow form either way; the table checks and exports read only that. It is built
    from the rows once, so finish changing rows before the first call.
    """

    data_dir: Path
    rows: dict[str, list[dict[str, Any]]]
    origins: dict[str, list[Origin]]
    texts: dict[str, str]
    retired_ids: dict[str, str]
    # Primary keys of records that failed record-level checks, by table.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)
    # Arrow form of each table, in row order, enumerations as text (see exports.arrow.plain_table).
    columns: dict[str, Any] = field(default_factory=dict, repr=False)
    # Tables whose rows stand for rows of another table: an actor pair is reported at its claim.
    # The certainty cues the build finds in quotes come after the authored (governing) ones.
    reported_at: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {"actor_pairs": ("claims", "claim_id"), "certainty_cues": ("claims", "claim_id")}
    )

    def add(self, table: str, row: dict[str, Any], origin: Origin) -> None:
        self.rows.setdefault(table, []).append(row)
        self.origins.setdefault(table, []).append(origin)

    def table(self, name: str):
        """The table as an Arrow table in row order (`pyarrow.Table`)."""
        if name not in self.columns:
            from .exports.arrow import plain_table

            self.columns[name] = plain_table(TABLES_BY_NAME[name], self.rows.get(name, []))
        return self.columns[name]

    def origin(self, name: str, index: int) -> Origin | None:
        """Where row `index` of a table came from (None when unknown)."""
        origins = self.origins.get(name)
        if origins is not None and 0 <= index < len(origins):
            return origins[index]
        if name in self.reported_at:
            parent, key = self.reported_at[name]
            value = self.table(name)[key][index].as_py()
            position = self._positions(parent, key).get(value)
            return None if position is None else self.origin(parent, position)
        if name in self.columns and origins is None and 0 <= index < self.columns[name].num_rows:
            # A column-wise corpus: the row's position in its table and its key.
            key = TABLES_BY_NAME[name].primary_key[0]
            return Origin(f"{name} (row {index + 1})", 0, str(self.columns[name][key][index].as_py()))
        return None

    def _positions(self, name: str, key: str) -> dict[Any, int]:
        cache = self.__dict__.setdefault("_positions_cache", {})
        if (name, key) not in cache:
            cache[name, key] = {value: index for index, value in enumerate(self.table(name)[key].to_pylist())}
        return cache[name, key]


def _display(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent)) if data_dir.parent != Path() else str(path)
    except ValueError:
        return str(path)


def _fix_for(error: dict[str, Any], model: type[BaseModel], column: str) -> str:
    info = model.model_fields.get(column)
    kind = error["type"]
    if kind == "missing":
        return f"add '{column}:' ({info.description if info else 'required'})"
    if kind == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return f"remove '{column}' or correct its spelling; the fields are: {known}"
    if kind == "enum":
        return f"use one of: {error.get('ctx', {}).get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return f"write a value matching {error['ctx']['pattern']}"
    if kind.startswith("int") or kind.startswith("string_type"):
        return f"write a {'whole number' if kind.startswith('int') else 'text value'} for '{column}'"
    return f"see the codebook: {column} is '{info.description}'" if info else "see the codebook"


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
    derived = [name for name, info in model.model_fields.items() if _is_derived(info) and name in data]
    for name in derived:
        problems.add(
            display,
            f"'{name}' is computed by the build and cannot be written by hand",
            f"remove the '{name}:' line",
            line=record.line_of(name),
            record_id=record_id,
            field=name,
        )
    try:
        instance = model.model_validate({k: v for k, v in data.items() if k not in derived})
    except ValidationError as error:
        for detail in error.errors():
            column = str(detail["loc"][0]) if detail["loc"] else None
            line = record.line_of(*item) if item else record.line_of(column)
            problems.add(
                display,
                f"{detail['msg']} (got {detail['input']!r})"
                if detail["type"] != "missing"
                else "required field is missing",
                _fix_for(detail, model, column or ""),
                line=line,
                record_id=record_id,
                field=f"{item[0]}[{item[1]}].{column}" if item else column,
            )
        return None
    return None if derived else instance.model_dump(mode="json")


def _is_derived(info: Any) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("derived"))


def _authored_files(data_dir: Path, pattern: str) -> list[Path]:
    return sorted(data_dir.glob(pattern)) if "*" in pattern else [data_dir / pattern]


def read_dataset(data_dir: Path, problems: ProblemList) -> Dataset:
    data_dir = Path(data_dir)
    dataset = Dataset(data_dir, {table.name: [] for table in TABLES}, {table.name: [] for table in TABLES}, {}, {})
    if not data_dir.is_dir():
        problems.add(str(data_dir), "data directory not found", "pass the path of a data directory (default ./data)")
        return dataset
    for table in TABLES:
        if table.authored is None or "#" in table.authored:
            continue
        files = _authored_files(data_dir, table.authored)
        if not files:
            problems.add(_display(data_dir / table.authored, data_dir), "no files found", f"add {table.authored}")
        for path in files:
            _read_table_file(dataset, table.name, path, problems)
    _read_curation_lists(dataset, problems)
    _read_source_texts(dataset, problems)
    return dataset


def _read_table_file(dataset: Dataset, table_name: str, path: Path, problems: ProblemList) -> None:
    table = TABLES_BY_NAME[table_name]
    display = _display(path, dataset.data_dir)
    if not path.exists():
        problems.add(display, "file not found", f"create {path.name} (write [] for no records)")
        return
    key = table.primary_key[0]
    for record in read_records(path, problems, display):
        data = dict(record.data)
        record_id = str(data.get(key)) if data.get(key) is not None else None
        if table_name == "claims":
            _read_claim_actors(dataset, data.pop("actors", None), record, display, record_id, problems)
        elif table_name in ("claim_links", "second_links"):
            record_id = f"{data.get('from_claim')}->{data.get('to_claim')}"
        elif table_name in ("link_signals", "second_segmentation"):
            start = data.get("signal_start", data.get("char_start"))
            record_id = f"{data.get('source_id')}@{start}"
        row = validate_record(table.model, data, record, display, record_id, problems)
        if row is not None:
            dataset.add(table_name, row, Origin(display, record.line, record_id, record.key_lines))
        elif record_id is not None:
            dataset.invalid_ids.setdefault(table_name, set()).add(record_id)


def _read_claim_actors(
    dataset: Dataset, entries: Any, record: AuthoredRecord, display: str, claim_id: str | None, problems: ProblemList
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
        )
        return
    for index, entry in enumerate(entries):
        line = record.line_of("actors", index)
        if not isinstance(entry, dict):
            problems.add(
                display,
                "each actor entry must be a mapping",
                "write '- actor_id: X' and 'role: Y'",
                line=line,
                record_id=claim_id,
                field=f"actors[{index}]",
            )
            continue
        row = validate_record(
            models.ClaimActor,
            {"claim_id": claim_id, **entry},
            record,
            display,
            claim_id,
            problems,
            item=("actors", index),
        )
        if row is not None:
            dataset.add("claim_actors", row, Origin(display, line, claim_id, {}))


def _read_curation_lists(dataset: Dataset, problems: ProblemList) -> None:
    """Retired ids: a curation input, not a published table."""
    for file_name, model, key, target in ((RETIRED_IDS_FILE, models.RetiredId, "id", dataset.retired_ids),):
        path = dataset.data_dir / file_name
        if not path.exists():
            continue
        display = _display(path, dataset.data_dir)
        for record in read_records(path, problems, display):
            row = validate_record(model, record.data, record, display, record.data.get(key), problems)
            if row is not None:
                target[row[key]] = row["reason"]


def _read_source_texts(dataset: Dataset, problems: ProblemList) -> None:
    for row, origin in zip(dataset.rows["sources"], dataset.origins["sources"], strict=True):
        path = dataset.data_dir / SOURCES_DIR / row["file_name"]
        display = _display(path, dataset.data_dir)
        if not path.is_file():
            problems.add(
                origin.file,
                f"source text {display} not found",
                "put the source text there, byte for byte",
                line=origin.line_of("file_name"),
                record_id=row["source_id"],
                field="file_name",
            )
            continue
        raw = path.read_bytes()
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
            )
        dataset.texts[row["source_id"]] = text
