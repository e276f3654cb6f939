"""The formats a release carries for other communities, each read back by the tool its users use:
Stata files by pandas' Stata reader, the spreadsheet by openpyxl, the citation by the Citation
File Format schema, the descriptor by the official Data Package profiles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml

from alliance_data import about
from alliance_data.build.pipeline import build_tables
from alliance_data.codebook.registry import TABLES
from alliance_data.exports.spreadsheet import CODEBOOK_SHEET, SPREADSHEET_FILE, write_spreadsheet
from alliance_data.exports.stata import LABEL_LIMIT, stata_label, write_stata_files
from alliance_data.release.citation import CFF_FILE, CITATION_FILES, ZENODO_FILE, citation_cff, release_name
from conftest import DATA, ROOT
from official_schemas import cff_schema, data_package_profile, tabular_resource_profile

pytestmark = pytest.mark.slow  # Reads every format of a full release.


@pytest.fixture(scope="module")
def tables():
    return build_tables(DATA)


# Stata


def test_every_table_has_a_stata_file_with_its_rows(published):
    import pandas as pd

    for spec in TABLES:
        frame = pd.read_stata(published / "stata" / f"{spec.name}.dta")
        parquet = pq.read_table(published / f"{spec.name}.parquet")
        assert len(frame) == parquet.num_rows, spec.name
        assert list(frame.columns) == spec.column_names


def test_stata_value_labels_are_the_codebook_levels_in_order(published):
    import pandas as pd

    for spec in TABLES:
        with pd.io.stata.StataReader(published / "stata" / f"{spec.name}.dta") as reader:
            value_labels = reader.value_labels()
        for column in spec.columns:
            if column.enum:
                # Every level, used or not, coded 0, 1, … in the codebook's order.
                labels = value_labels[column.name]
                assert [labels[code] for code in sorted(labels)] == column.levels, (spec.name, column.name)
                assert sorted(labels) == list(range(len(column.levels)))
    claims = pd.read_stata(published / "stata" / "claims.dta")
    assert claims.certainty.cat.ordered
    assert list(claims.certainty.cat.categories) == [
        level for level in ("asserted", "likely", "possible", "speculative") if level in set(claims.certainty)
    ]


def test_stata_variable_labels_are_the_descriptions(published):
    import pandas as pd

    with pd.io.stata.StataReader(published / "stata" / "claims.dta") as reader:
        labels = reader.variable_labels()
        assert reader.data_label.startswith(f"{about.NAME} {about.__version__}")
    spec = next(table for table in TABLES if table.name == "claims")
    for column in spec.columns:
        assert labels[column.name] == stata_label(column.description)
        assert 0 < len(labels[column.name]) <= LABEL_LIMIT


def test_stata_text_round_trips_exactly(published):
    import pandas as pd

    frame = pd.read_stata(published / "stata" / "claims.dta")
    parquet = pq.read_table(published / "claims.parquet").to_pydict()
    assert list(frame.quote) == parquet["quote"]
    assert list(frame.statement) == parquet["statement"]
    assert [int(value) for value in frame.char_start] == parquet["char_start"]


def test_long_labels_are_shortened_at_a_word():
    label = stata_label("word " * 40)
    assert len(label) <= LABEL_LIMIT and label.endswith("…") and "  " not in label
    assert stata_label("short") == "short"


# The spreadsheet


def test_spreadsheet_has_a_sheet_per_table_with_every_row(published):
    import openpyxl

    workbook = openpyxl.load_workbook(published / SPREADSHEET_FILE, read_only=False)
    assert [spec.name for spec in TABLES] == [name for name in workbook.sheetnames if name in {t.name for t in TABLES}]
    for spec in TABLES:
        sheet = workbook[spec.name]
        rows = list(sheet.iter_rows(values_only=True))
        parquet = pq.read_table(published / f"{spec.name}.parquet").to_pydict()
        assert list(rows[0]) == spec.column_names
        assert len(rows) - 1 == len(parquet[spec.column_names[0]]), spec.name
        for number, name in enumerate(spec.column_names):
            expected = [None if value is None else value for value in parquet[name]]
            assert [row[number] for row in rows[1:]] == expected, (spec.name, name)
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref


def test_spreadsheet_codebook_documents_every_column(published):
    import openpyxl

    workbook = openpyxl.load_workbook(published / SPREADSHEET_FILE, read_only=True)
    rows = list(workbook[CODEBOOK_SHEET].iter_rows(values_only=True))
    documented = {(row[0], row[1]): row for row in rows[1:]}
    for spec in TABLES:
        for column in spec.columns:
            row = documented[(spec.name, column.name)]
            assert row[6] == column.description
            for level in column.levels:
                assert level in row[5]


def test_formats_are_byte_identical_from_run_to_run(tables, tmp_path):
    digests = []
    for run in ("a", "b"):
        directory = tmp_path / run
        directory.mkdir()
        write_stata_files(TABLES, tables, directory)
        write_spreadsheet(TABLES, tables, directory / SPREADSHEET_FILE)
        digests.append(
            {
                path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(directory.rglob("*"))
                if path.is_file()
            }
        )
    assert digests[0] == digests[1]
    assert len(digests[0]) == len(TABLES) + 1


# Citation and licence


def test_citation_cff_is_valid_under_the_cff_schema(published):
    document = yaml.safe_load((published / CFF_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(cff_schema(), format_checker=jsonschema.FormatChecker()).validate(document)
    assert document["version"] == about.__version__
    assert document["date-released"] == about.RELEASED


def test_the_cff_schema_check_can_fail():
    document = citation_cff()
    del document["authors"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(cff_schema()).validate(document)


def test_repository_citation_files_are_current():
    for name, render in CITATION_FILES.items():
        assert (ROOT / name).read_text(encoding="utf-8") == render(), (
            f"{name} is stale: run python tools/citation_files.py"
        )


def test_docs_index_embeds_the_current_dataset_jsonld():
    import json as json_module

    from alliance_data.release.croissant import JSONLD_END, JSONLD_START, dataset_jsonld, with_dataset_jsonld

    page = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert with_dataset_jsonld(page) == page, "docs/index.md is stale: run python tools/citation_files.py"
    block = page.split(JSONLD_START, 1)[1].split(JSONLD_END, 1)[0]
    script = block.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert json_module.loads(script) == dataset_jsonld()


def test_zenodo_metadata_carries_version_date_and_licence(published):
    metadata = json.loads((published / release_name(ZENODO_FILE)).read_text(encoding="utf-8"))
    assert metadata["version"] == about.__version__
    assert metadata["publication_date"] == about.RELEASED
    assert metadata["upload_type"] == "dataset"
    assert metadata["license"] == "cc-by-4.0"


def test_citation_carries_version_and_year():
    text = about.citation()
    assert f"({about.RELEASED[:4]})" in text and f"version {about.__version__}" in text


# The Data Package descriptor


def test_datapackage_is_valid_under_the_official_profiles(published):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(data_package_profile()).validate(descriptor)
    tabular = [resource for resource in descriptor["resources"] if resource.get("profile") == "tabular-data-resource"]
    assert len(tabular) == len(TABLES)
    validator = jsonschema.Draft4Validator(tabular_resource_profile())
    for resource in tabular:
        validator.validate(resource)


def test_the_profile_check_can_fail(published):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["sources"][0]["path"] = ""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(data_package_profile()).validate(descriptor)
    resource = next(r for r in descriptor["resources"] if r.get("profile") == "tabular-data-resource")
    resource["schema"]["foreignKeys"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(tabular_resource_profile()).validate(resource)


def test_every_release_file_is_recorded_in_the_manifest(published):
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    recorded = {manifest["database"]["path"]} | {f["path"] for t in manifest["tables"] for f in t["files"].values()}
    recorded |= {entry["path"] for entry in manifest["other_files"]}
    on_disk = {
        path.relative_to(published).as_posix()
        for path in published.rglob("*")
        if path.is_file() and path.name not in {"manifest.json", "datapackage.json", "SHA256SUMS"}
    }
    assert on_disk == recorded
    for entry in manifest["other_files"]:
        assert (published / entry["path"]).stat().st_size == entry["bytes"]


def test_every_release_file_is_a_described_resource(published):
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    described = {resource["path"] for resource in descriptor["resources"]}
    on_disk = {
        path.relative_to(published).as_posix()
        for path in published.rglob("*")
        if path.is_file() and path.name not in {"datapackage.json", "SHA256SUMS"}
    }
    assert on_disk == described
    names = [resource["name"] for resource in descriptor["resources"]]
    assert len(names) == len(set(names))


# Files in subfolders are part of the trust chain


def _copy(published: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / published.name
    shutil.copytree(published, target, symlinks=True)
    return target


def test_a_changed_file_in_a_subfolder_fails_verify(published, tmp_path):
    from alliance_data.release.checksums import ChecksumMismatch, verify

    copy = _copy(published, tmp_path)
    assert "stata/claims.dta" in verify(copy)
    with open(copy / "stata" / "claims.dta", "r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00")
    with pytest.raises(ChecksumMismatch, match=r"stata/claims\.dta: SHA-256 differs"):
        verify(copy)


def test_a_symlinked_subfolder_fails_verify(published, tmp_path):
    import shutil

    from alliance_data.release.checksums import ChecksumMismatch, verify

    copy = _copy(published, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(copy / "stata", elsewhere)
    (copy / "stata").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ChecksumMismatch, match="symlinked folder"):
        verify(copy)


def test_the_datasette_home_page_embeds_the_dataset_jsonld():
    import json as json_module

    from alliance_data.release.croissant import dataset_jsonld
    from alliance_data.serving.metadata import home_html

    page = home_html(None)
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json_module.loads(script) == dataset_jsonld()
