"""A corpus as partitioned Parquet: the layout Spark (and DuckDB) read in place.

    corpus/
      claims/source_id=<id>/*.parquet   claims, partitioned by source (hive style)
      <table>.parquet                   every other table of the registry
      source_texts.parquet              source_id, text: what quotes are checked against
      retired_ids.parquet               id, table, reason: ids never to be used again

Columns keep their model types (text, 64-bit integers; enumerations as text), and every
field is nullable on disk: the corpus holds the data as it is, invalid values included,
and validation says what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codebook.registry import CHECKED_TABLES, CURATION_LISTS, TABLES

PARTITIONED = {"claims": "source_id"}
TEXTS = "source_texts"
RETIRED = "retired_ids"


def _write(table: Any, path: Path, partition: str | None = None) -> None:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if partition is None:
        pq.write_table(table, path, compression="zstd")
        return
    ds.write_dataset(
        table,
        path,
        format="parquet",
        partitioning=[partition],
        partitioning_flavor="hive",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=max(1024, len(table.column(partition).unique()) + 1),
        max_open_files=512,
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
    )


def write_corpus(dataset: Any, path: str | Path) -> Path:
    """Write an `alliance_data.curation.reading.Dataset` (derived columns filled) as a corpus directory:
    each table as `Dataset.table` gives it (the model's columns, text and 64-bit integers)."""
    import pyarrow as pa

    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        arrow = dataset.table(table.name)
        partition = PARTITIONED.get(table.name)
        _write(arrow, root / (table.name if partition else f"{table.name}.parquet"), partition)
    texts = pa.table({"source_id": list(dataset.texts), "text": list(dataset.texts.values())})
    _write(texts, root / f"{TEXTS}.parquet")
    for table in CURATION_LISTS:  # every entry as authored, repeats too: the checks judge them
        _write(dataset.table(table.name), root / f"{table.name}.parquet")
    return root


@dataclass
class Corpus:
    """The tables of a corpus as Spark DataFrames, by table name (the curation lists too), with the
    source texts and, by their own names, the id lists."""

    tables: dict[str, Any]
    texts: Any
    retired_ids: Any

    def __getitem__(self, name: str) -> Any:
        return self.tables[name]


def read_corpus(spark: Any, path: str | Path) -> Corpus:
    """Open a corpus directory (a local path, or an object-store URL such as s3a://bucket/corpus)."""
    # Partition values stay text: source ids such as "2024" must not become integers.
    spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    root = str(path).rstrip("/")

    def read(name: str) -> Any:
        return spark.read.parquet(f"{root}/{name}" if name in PARTITIONED else f"{root}/{name}.parquet")

    tables = {}
    for table in CHECKED_TABLES:
        frame = read(table.name)
        # Column order as in the model (a partition column comes last when read).
        known = [name for name in table.column_names if name in frame.columns]
        tables[table.name] = frame.select(*known, *[name for name in frame.columns if name not in known])
    return Corpus(tables, read(TEXTS), tables[RETIRED])


__all__ = ["Corpus", "read_corpus", "write_corpus"]
