"""The version check sees a changed vocabulary or key as a major change, and the release notes
carry the curators' own account of the version."""

from __future__ import annotations

import json

import pyarrow as pa

from alliance_data import about
from alliance_data.build.pipeline import build_tables
from alliance_data.release.cut import release_notes
from alliance_data.release.diff import diff, read_tables, render
from conftest import DATA, ROOT


def _table(levels: list[str], key: list[str] = ["id"]) -> pa.Table:  # noqa: B006
    field = pa.field("relation", pa.string(), metadata={b"levels": json.dumps(levels).encode()})
    schema = pa.schema([pa.field("id", pa.string()), field], metadata={b"primary_key": json.dumps(key).encode()})
    return pa.table({"id": ["a"], "relation": [levels[0]]}, schema=schema)


def test_a_removed_level_or_a_new_key_is_major_an_added_level_minor():
    base = {"t": _table(["drives", "implies"])}
    assert diff(base, {"t": _table(["drives"])}).required_bump() == "major"
    assert diff(base, {"t": _table(["drives", "implies", "restates"])}).required_bump() == "minor"
    assert diff(base, {"t": _table(["drives", "implies"], ["id", "relation"])}).required_bump() == "major"
    notes = render(diff(base, {"t": _table(["drives", "implies", "restates"])}), "v1", "v2")
    assert "- `t.relation`: levels added: `restates`." in notes


def test_the_data_against_the_latest_release_needs_a_major_version():
    latest = ROOT / "releases" / "v1.0.0"
    changes = diff(read_tables(latest), build_tables(DATA))
    assert changes.required_bump() == "major"
    links = next(t for t in changes.tables if t.name == "claim_links")
    assert {"basis", "signal_quote", "signal_start", "signal_end"} <= set(links.added_columns)
    assert links.added_levels["relation"] == ["elaborates", "exemplifies", "restates"]
    assert about.__version__.split(".")[0] == "2"


def test_release_notes_open_with_the_curators_notes(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "v3.0.0.md").write_text("## What changed and why\n\nLinks now say what they rest on.\n")
    notes = release_notes("3.0.0", tmp_path, "## Changes from v2.0.0 to v3.0.0\n")
    assert notes.index("Links now say what they rest on.") < notes.index("## Changes from v2.0.0 to v3.0.0")
    assert notes.startswith("# alliance-data 3.0.0\n")
    without = release_notes("3.0.1", tmp_path, "## Changes\n")
    assert "What changed and why" not in without and without.endswith("## Changes\n")


def test_the_notes_for_the_coming_release_are_written():
    text = (ROOT / "releases" / "notes" / f"v{about.__version__}.md").read_text(encoding="utf-8")
    for word in ("dropped", "added", "reclassified", "basis", "certainty_cues", "booster_cues", "recoded"):
        assert word in text, word
