"""A release's files in the tools their users open them with: the codebook's order of ordinal
codes in pandas, polars, DuckDB and SQLite alike; the SQLite file alone in plain Datasette;
Croissant's references in mlcroissant; the dataset card's ClassLabels in `datasets`; Stata notes;
the Data Package's media types and Parquet schemas."""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from alliance_data.codebook.registry import TABLES, TABLES_BY_NAME
from alliance_data.exports.duckdb_script import DUCKDB_SCRIPT
from alliance_data.exports.sqlite_codebook import COLUMNS_TABLE, DATASET_TABLE, LEVELS_TABLE, TABLES_TABLE
from alliance_data.release.datasette_metadata import METADATA_FILE

pytestmark = pytest.mark.slow  # Reads a full release in several tools.


def levels(table: str, column: str) -> list[str]:
    return next(c for c in TABLES_BY_NAME[table].columns if c.name == column).levels


def run_python(code: str, cwd: Path, tmp_path: Path) -> str:
    """`code` in a fresh interpreter (no plugin or cache of this session), offline."""
    environment = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], cwd=cwd, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


# Ordinal codes: the same rows in every tool


def _pandas(published: Path) -> dict[str, list[str]]:
    import pandas as pd

    claims = pd.read_parquet(published / "claims.parquet")
    later = claims[claims.time_frame > "current"].sort_values(["time_frame", "claim_id"])
    by_kind = claims.sort_values(["kind", "claim_id"])
    by_certainty = claims.sort_values(["certainty", "claim_id"], ascending=[False, True])
    return {"later": list(later.claim_id), "kind": list(by_kind.claim_id), "certainty": list(by_certainty.claim_id)}


def _polars(published: Path) -> dict[str, list[str]]:
    """`pl.read_parquet` reads the dictionaries as Categorical (ordered by text): cast to pl.Enum
    with the levels datapackage.json lists, as docs/formats.md shows."""
    import polars as pl

    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] if r["name"] == "claims" for f in r["schema"]["fields"]}
    claims = pl.read_parquet(published / "claims.parquet").with_columns(
        pl.col(name).cast(pl.Enum(fields[name]["categories"])) for name in ("kind", "certainty", "time_frame")
    )
    later = claims.filter(pl.col("time_frame") > "current").sort("time_frame", "claim_id")
    by_kind = claims.sort("kind", "claim_id")
    by_certainty = claims.sort("certainty", "claim_id", descending=[True, False])
    return {
        "later": later["claim_id"].to_list(),
        "kind": by_kind["claim_id"].to_list(),
        "certainty": by_certainty["claim_id"].to_list(),
    }


def _duckdb(published: Path, monkeypatch) -> dict[str, list[str]]:
    import duckdb

    monkeypatch.chdir(published)  # the script's Parquet paths are relative to the release folder
    connection = duckdb.connect()
    connection.execute((published / DUCKDB_SCRIPT).read_text(encoding="utf-8"))

    def ids(sql: str) -> list[str]:
        return [row[0] for row in connection.execute(sql).fetchall()]

    return {
        "later": ids(
            "SELECT claim_id FROM claims WHERE time_frame > 'current'::time_frame ORDER BY time_frame, claim_id"
        ),
        "kind": ids("SELECT claim_id FROM claims ORDER BY kind, claim_id"),
        "certainty": ids("SELECT claim_id FROM claims ORDER BY certainty DESC, claim_id"),
    }


def _sqlite(published: Path) -> dict[str, list[str]]:
    """The ranks of codebook_levels, as docs/formats.md shows."""
    connection = sqlite3.connect(f"file:{published / 'alliance.db'}?mode=ro", uri=True)

    def rank(column: str, alias: str) -> str:
        return (
            f"JOIN codebook_levels {alias} ON {alias}.table_name = 'claims' "
            f"AND {alias}.column_name = '{column}' AND {alias}.level = c.{column}"
        )

    def ids(sql: str) -> list[str]:
        return [row[0] for row in connection.execute(sql).fetchall()]

    current = (
        "(SELECT rank FROM codebook_levels WHERE table_name = 'claims' AND column_name = 'time_frame' "
        "AND level = 'current')"
    )
    try:
        return {
            "later": ids(
                f"SELECT c.claim_id FROM claims c {rank('time_frame', 't')} WHERE t.rank > {current} "
                "ORDER BY t.rank, c.claim_id"
            ),
            "kind": ids(f"SELECT c.claim_id FROM claims c {rank('kind', 'k')} ORDER BY k.rank, c.claim_id"),
            "certainty": ids(
                f"SELECT c.claim_id FROM claims c {rank('certainty', 'r')} ORDER BY r.rank DESC, c.claim_id"
            ),
        }
    finally:
        connection.close()


def test_ordered_comparison_and_sort_give_the_same_rows_in_pandas_polars_duckdb_and_sqlite(published, monkeypatch):
    expected = _pandas(published)
    claims = pq.read_table(published / "claims.parquet").to_pydict()
    # The comparison is the codebook's: only the future is after the current time frame.
    assert sorted(expected["later"]) == sorted(
        claim for claim, frame in zip(claims["claim_id"], claims["time_frame"], strict=True) if frame == "future"
    )
    assert expected["later"], "no claim about the future: the comparison proves nothing"
    kinds = dict(zip(claims["claim_id"], claims["kind"], strict=True))
    assert [kinds[claim] for claim in expected["kind"]] == sorted(claims["kind"], key=levels("claims", "kind").index)
    assert _polars(published) == expected
    assert _duckdb(published, monkeypatch) == expected
    assert _sqlite(published) == expected


def test_the_naive_sql_comparison_differs_so_the_agreement_means_something(published):
    connection = sqlite3.connect(f"file:{published / 'alliance.db'}?mode=ro", uri=True)
    naive = {row[0] for row in connection.execute("SELECT claim_id FROM claims WHERE time_frame > 'current'")}
    connection.close()
    assert naive != set(_pandas(published)["later"])


# The SQLite file alone


def _sql_type(column) -> str:
    return "category" if column.enum else "integer" if column.dtype == "integer" else "text"


def test_the_database_holds_the_codebook_read_off_the_models(published):
    connection = sqlite3.connect(f"file:{published / 'alliance.db'}?mode=ro", uri=True)
    try:
        tables = connection.execute(f"SELECT table_name, primary_key, description FROM {TABLES_TABLE}").fetchall()
        columns = connection.execute(
            f"SELECT table_name, column_name, type, nullable, ordered, description FROM {COLUMNS_TABLE} "
            "ORDER BY table_name, position"
        ).fetchall()
        ranked = connection.execute(
            f"SELECT table_name, column_name, level, description FROM {LEVELS_TABLE} "
            "ORDER BY table_name, column_name, rank"
        ).fetchall()
        about_rows = dict(connection.execute(f"SELECT key, value FROM {DATASET_TABLE}").fetchall())
        foreign_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    assert tables == [(t.name, ", ".join(t.primary_key), t.description) for t in TABLES]
    expected_columns = sorted(
        (
            (t.name, position, c.name, _sql_type(c), int(c.nullable), int(c.ordered), c.description)
            for t in TABLES
            for position, c in enumerate(t.columns)
        ),
        key=lambda row: (row[0], row[1]),
    )
    assert columns == [(row[0], *row[2:]) for row in expected_columns]
    expected_levels = sorted(
        ((t.name, c.name, m.value, m.description) for t in TABLES for c in t.columns if c.enum for m in c.enum),
        key=lambda row: (row[0], row[1]),
    )
    assert ranked == expected_levels  # a stable sort keeps each column's levels in codebook order
    assert about_rows["license"] == "CC-BY-4.0" and "creativecommons.org" in about_rows["license_url"]
    assert about_rows["citation"].startswith("alliance-data contributors")
    assert "Jhon Lennon" in about_rows["source"]
    assert foreign_keys == []


def test_plain_datasette_shows_the_descriptions_licence_and_source(published, tmp_path):
    """`datasette alliance.db -m alliance.metadata.json`, with none of our plugins (a fresh
    interpreter), through Datasette's own test client."""
    code = (
        "import asyncio, json\n"
        "from datasette.app import Datasette\n"
        f"app = Datasette(files=['alliance.db'], metadata=json.load(open('{METADATA_FILE}')))\n"
        "async def pages():\n"
        "    out = {}\n"
        "    for path in ('/', '/alliance/claims', '/alliance/codebook_levels', "
        "'/alliance/search_claims.json?q=sanctions&_shape=array', '/alliance/claims?_facet=certainty'):\n"
        "        response = await app.client.get(path)\n"
        "        out[path] = [response.status_code, response.text]\n"
        "    return out\n"
        "print(json.dumps(asyncio.run(pages())))"
    )
    pages = json.loads(run_python(code, published, tmp_path))
    assert all(status == 200 for status, _ in pages.values()), {path: page[0] for path, page in pages.items()}
    home, claims, levels_page = pages["/"][1], pages["/alliance/claims"][1], pages["/alliance/codebook_levels"][1]
    assert "CC-BY-4.0" in home and "creativecommons.org/licenses/by/4.0" in home
    assert "Jhon Lennon" in home
    certainty = next(c for c in TABLES_BY_NAME["claims"].columns if c.name == "certainty")
    from html import escape

    assert escape(TABLES_BY_NAME["claims"].description) in claims
    assert escape(certainty.description) in claims
    assert "ranked in the codebook" in levels_page
    assert len(json.loads(pages["/alliance/search_claims.json?q=sanctions&_shape=array"][1])) > 0


# Croissant


def test_croissant_references_resolve_in_mlcroissant(published, tmp_path):
    code = (
        "import json, mlcroissant as mlc\n"
        "dataset = mlc.Dataset(jsonld='croissant.json')\n"
        "refs, values = [], {}\n"
        "for record_set in dataset.metadata.record_sets:\n"
        "    for field in record_set.fields:\n"
        "        if field.references and field.references.file_object:\n"
        "            refs.append([field.id, field.references.file_object, field.references.extract.column])\n"
        "for name in ('claims', 'claim_actors', 'actors', 'claim_links'):\n"
        "    values[name] = [{k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.items()}\n"
        "                    for r in dataset.records(record_set=name)]\n"
        "print(json.dumps({'refs': refs, 'values': values}, default=str))"
    )
    loaded = json.loads(run_python(code, published, tmp_path))
    declared = {f"{t.name}/{k.column}": [f"{k.table}-csv", k.other_column] for t in TABLES for k in t.foreign_keys}
    assert {field: target for field, *target in loaded["refs"]} == declared
    # Joined on its references, every claim_actors row finds its claim and actor.
    values = loaded["values"]
    claims = {row["claims/claim_id"] for row in values["claims"]}
    actors = {row["actors/actor_id"] for row in values["actors"]}
    assert values["claim_actors"]
    assert all(row["claim_actors/claim_id"] in claims for row in values["claim_actors"])
    assert all(row["claim_actors/actor_id"] in actors for row in values["claim_actors"])
    assert all(row["claim_links/to_claim"] in claims for row in values["claim_links"])


def test_croissant_distribution_holds_every_file_an_offset_or_a_field_points_into(published):
    from alliance_data.release.checksums import sha256

    document = json.loads((published / "croissant.json").read_text(encoding="utf-8"))
    files = {item["contentUrl"]: item for item in document["distribution"]}
    for table in TABLES:
        assert {f"{table.name}.csv", f"{table.name}.parquet"} <= set(files)
    for path in ("sources/irda.txt", "docs/curation.md", "docs/reliability.md"):
        assert files[path]["sha256"] == sha256(published / path)
    for item in document["distribution"]:
        assert (published / item["contentUrl"]).is_file()  # relative to croissant.json, as mlcroissant reads it
    assert document["citeAs"].startswith("@misc{alliance_data_") and "version = {" in document["citeAs"]
    assert "data/sources/" not in json.dumps(document)
    for key in ("rai:dataAnnotationProtocol", "rai:dataAnnotationAnalysis"):
        for cited in ("docs/curation.md", "docs/reliability.md"):
            if cited in document[key]:
                assert (published / cited).is_file()


# The Hugging Face dataset card


def test_the_dataset_card_loads_enumerations_as_class_labels_in_codebook_order(published, tmp_path):
    card = yaml.safe_load((published / "README.md").read_text(encoding="utf-8").split("---")[1])
    assert card["license"] == "other" and card["license_name"] and (published / card["license_link"]).is_file()
    assert "token-classification" not in card["task_categories"]
    code = (
        "import datasets, json, os\n"
        "out = {}\n"
        "for name in ('claims', 'claim_links'):\n"
        "    data = datasets.load_dataset(os.getcwd(), name)['train']\n"
        "    out[name] = {key: feature.names for key, feature in data.features.items()\n"
        "                 if isinstance(feature, datasets.ClassLabel)}\n"
        "    out[name + ':rows'] = data.num_rows\n"
        "    out[name + ':first'] = data[0]\n"
        "print(json.dumps(out))"
    )
    loaded = json.loads(run_python(code, published, tmp_path))
    for name in ("claims", "claim_links"):
        enums = {c.name: c.levels for c in TABLES_BY_NAME[name].columns if c.enum}
        assert loaded[name] == enums
        parquet = pq.read_table(published / f"{name}.parquet").to_pylist()
        assert loaded[f"{name}:rows"] == len(parquet)
        first = loaded[f"{name}:first"]
        for column, names in enums.items():
            assert names[first[column]] == parquet[0][column]
    assert "@misc{alliance_data_" in (published / "README.md").read_text(encoding="utf-8")


# Stata notes


def read_stata_notes(path: Path) -> dict[str, list[str]]:
    """The notes of a .dta 118 file, read from its <characteristics> section as the format
    specifies it (neither pandas nor haven reads them)."""
    data = path.read_bytes()
    order = "<" if b"<byteorder>LSF</byteorder>" in data[:200] else ">"
    section = data[data.index(b"<characteristics>") + len(b"<characteristics>") : data.index(b"</characteristics>")]
    characteristics: dict[tuple[str, str], str] = {}
    while section:
        assert section.startswith(b"<ch>")
        (length,) = struct.unpack(order + "I", section[4:8])
        payload = section[8 : 8 + length]
        owner, name = (payload[i : i + 129].split(b"\0", 1)[0].decode() for i in (0, 129))
        characteristics[(owner, name)] = payload[258:].rstrip(b"\0").decode("utf-8")
        section = section[8 + length :]
        assert section.startswith(b"</ch>")
        section = section[5:]
    notes: dict[str, list[str]] = {}
    for (owner, name), text in characteristics.items():
        if name == "note0":
            notes[owner] = [characteristics[(owner, f"note{n}")] for n in range(1, int(text) + 1)]
    return notes


def test_stata_files_carry_each_full_description_and_the_citation_as_notes(published):
    import pandas as pd

    from alliance_data import about

    for spec in TABLES:
        path = published / "stata" / f"{spec.name}.dta"
        notes = read_stata_notes(path)
        assert any(note == f"Cite: {about.citation()}" for note in notes["_dta"])
        for column in spec.columns:
            assert notes[column.name] == [" ".join(column.description.split())]
        # The file stays what pandas wrote: every row, label and level.
        with pd.io.stata.StataReader(path) as reader:
            frame = reader.read()
            assert set(reader.variable_labels()) == set(spec.column_names)
        assert len(frame) == pq.read_metadata(published / f"{spec.name}.parquet").num_rows
    long = [c for c in TABLES_BY_NAME["claims"].columns if len(c.description) > 80]
    assert long, "no description longer than a Stata label: the notes prove nothing"


# The Data Package


def test_every_data_package_resource_has_its_media_type_and_parquet_its_schema(published):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["path"]: resource for resource in descriptor["resources"]}
    assert all(resource.get("mediatype") for resource in resources.values())
    assert resources["alliance-data.xlsx"]["mediatype"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert resources["annotations.jsonld"]["mediatype"] == "application/ld+json"
    for table in TABLES:
        assert resources[f"{table.name}.parquet"]["schema"] == resources[f"{table.name}.csv"]["schema"]
    for path in (DUCKDB_SCRIPT, METADATA_FILE, "docs/curation.md", "docs/reliability.md"):
        assert path in resources and resources[path]["description"] != path


def test_an_unknown_kind_of_file_is_refused_not_guessed():
    from alliance_data.release.datapackage import media_type

    assert media_type("stata/claims.dta") == "application/x-stata-dta"
    with pytest.raises(KeyError):
        media_type("notes.unknownformat")
