"""The data shipped in the package is what data/ builds to today."""

from __future__ import annotations

import sqlite3

import pyarrow.parquet as pq

from alliance_data.build import DATABASE_FILE, PACKAGE_DATA_DIR, package
from alliance_data.registry import TABLES
from conftest import DATA


def dump(path):
    db = sqlite3.connect(path)
    return list(db.iterdump())


def test_packaged_data_is_current(tmp_path):
    fresh = package(DATA, tmp_path / "fresh").directory
    for table in TABLES:
        packaged = pq.read_table(PACKAGE_DATA_DIR / f"{table.name}.parquet")
        rebuilt = pq.read_table(fresh / f"{table.name}.parquet")
        assert packaged.equals(rebuilt, check_metadata=True), (
            f"packaged {table.name} is stale against data/: run `alliance-data package`"
        )
    assert dump(PACKAGE_DATA_DIR / DATABASE_FILE) == dump(fresh / DATABASE_FILE), "run `alliance-data package`"
