"""The data shipped in the package is what data/ builds to today (`python -m tools.package`)."""

from __future__ import annotations

from tools import package as package_tool

from conftest import DATA, replace_in


def test_packaged_data_is_current():
    assert package_tool.stale_data(DATA) == [], "run `python -m tools.package`"


def test_packaged_data_of_other_data_is_stale(data_copy):
    replace_in(
        data_copy / "topics.yaml", "label: Long roots of the relationship", "label: Old roots of the relationship"
    )
    stale = package_tool.stale_data(data_copy)
    assert "src/alliance_data/data/topics.parquet" in stale
    assert "src/alliance_data/data/alliance.db" in stale
    assert "src/alliance_data/data/claims.parquet" not in stale
