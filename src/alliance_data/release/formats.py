"""The files a release carries beyond the build's Parquet, CSV and SQLite: the formats other
communities read (Stata, a spreadsheet, W3C Web Annotations, BRAT standoff, the Argument
Interchange Format, a Hugging Face dataset card, Croissant, a DuckDB script with the codebook's
order, Datasette metadata for the database alone), the citation and licence files, and the
curation guide and reliability report the Responsible AI fields cite. Each is written from the
published tables or the repository's own documents, so nothing restates the data."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from .. import about
from ..codebook.registry import TABLES
from ..exports.aif import AIF_FILE, write_aif
from ..exports.annotations import ANNOTATIONS_FILE, write_annotations
from ..exports.brat import write_brat
from ..exports.duckdb_script import write_duckdb_script
from ..exports.spreadsheet import SPREADSHEET_FILE, write_spreadsheet
from ..exports.stata import write_stata_files
from ..problems import AllianceDataError
from .citation import CITATION_FILES, release_name
from .croissant import write_croissant
from .dataset_card import write_card
from .datasette_metadata import write_datasette_metadata

# The repository's documents every release carries, at the same paths (the Croissant Responsible AI
# fields cite them). A release is cut from a checkout of the repository, which holds them.
REPOSITORY = Path(__file__).resolve().parents[3]
DOCUMENTS = ("docs/curation.md", "docs/reliability.md")


def copy_documents(directory: Path, repository: Path = REPOSITORY) -> None:
    for name in DOCUMENTS:
        source = repository / name
        if not source.is_file():
            raise AllianceDataError(
                f"{source}: missing; a release carries {', '.join(DOCUMENTS)}: cut releases from a checkout "
                "of the repository, where they are"
            )
        target = directory / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes())


def write_release_formats(tables: dict[str, pa.Table], texts: dict[str, str], directory: Path) -> None:
    """Write every further format into the release staging `directory` (after the CSV files)."""
    write_stata_files(TABLES, tables, directory)
    write_spreadsheet(TABLES, tables, directory / SPREADSHEET_FILE)
    write_brat(tables, texts, directory)
    write_annotations(tables, directory / ANNOTATIONS_FILE)
    write_aif(tables, directory / AIF_FILE)
    write_duckdb_script(directory)
    write_datasette_metadata(directory, about.__version__)
    copy_documents(directory)
    write_card(directory)
    write_croissant(directory)
    for name, render in CITATION_FILES.items():
        (directory / release_name(name)).write_text(render(), encoding="utf-8")


# Written after every other file, each recording the others.
DESCRIPTORS = {"manifest.json", "datapackage.json", "SHA256SUMS"}


def other_files(directory: Path, manifest: dict) -> list[dict]:
    """Every file of the release that the build's part of the manifest does not list (the
    formats above, the notes, the maps), with its size and SHA-256, so the manifest records
    every file as SHA256SUMS and datapackage.json do."""
    from .checksums import release_files, sha256

    listed = {manifest["database"]["path"]} | {f["path"] for t in manifest["tables"] for f in t["files"].values()}
    return [
        {"path": name, "bytes": (directory / name).stat().st_size, "sha256": sha256(directory / name)}
        for name in release_files(directory)
        if name not in listed | DESCRIPTORS
    ]
