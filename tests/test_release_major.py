"""The version check sees a changed vocabulary or key as a major change, and the release notes
carry the curators' own account of the version."""

from __future__ import annotations

import json

import pyarrow as pa

from alliance_data import about
from alliance_data.build.pipeline import build_tables
from alliance_data.release.cut import release_notes
from alliance_data.release.diff import bump_of, diff, read_tables, render
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


def _previous_release() -> str:
    """The release published before the package's version."""
    index = json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    versions = [entry["version"] for entry in index["releases"]]
    return versions[versions.index(about.__version__) - 1]


def test_the_package_version_is_the_bump_the_changes_since_the_previous_release_need():
    previous = _previous_release()
    changes = diff(read_tables(ROOT / "releases" / f"v{previous}"), build_tables(DATA))
    assert bump_of(previous, about.__version__) == changes.required_bump()


def test_release_notes_open_with_the_curators_notes(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "v3.0.0.md").write_text("## What changed and why\n\nLinks now say what they rest on.\n")
    notes = release_notes("3.0.0", tmp_path, "## Changes from v2.0.0 to v3.0.0\n")
    assert notes.index("Links now say what they rest on.") < notes.index("## Changes from v2.0.0 to v3.0.0")
    assert notes.startswith("# alliance-data 3.0.0\n")
    without = release_notes("3.0.1", tmp_path, "## Changes\n")
    assert "What changed and why" not in without and without.endswith("## Changes\n")


def test_the_notes_of_the_current_release_account_for_every_table_it_changed():
    text = (ROOT / "releases" / "notes" / f"v{about.__version__}.md").read_text(encoding="utf-8")
    assert text.startswith("## What changed and why\n")
    previous = _previous_release()
    changes = diff(read_tables(ROOT / "releases" / f"v{previous}"), build_tables(DATA))
    changed = [table.name for table in changes.tables if not table.empty]
    assert changed
    # Prose names a table by what one row is: claim_links by "link", certainty_cues by "cue".
    lowered = text.lower()
    missing = [name for name in changed if name not in text and name.split("_")[-1].rstrip("s") not in lowered]
    assert not missing, f"the curators' notes of v{about.__version__} never speak of {missing}"
