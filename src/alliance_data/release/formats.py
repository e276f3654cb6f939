"""The files a release carries beyond the build's Parquet, CSV and SQLite: the formats other
communities read (Stata, a spreadsheet, W3C Web Annotations, BRAT standoff, the Argument
Interchange Format, a Hugging Face dataset card, Croissant) and the citation and licence files.
Each is written from the published tables, so nothing restates the data."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ..codebook.registry import TABLES
from ..exports.aif import AIF_FILE, write_aif
from ..exports.annotations import ANNOTATIONS_FILE, write_annotations
from ..exports.brat import write_brat
from ..exports.spreadsheet import SPREADSHEET_FILE, write_spreadsheet
from ..exports.stata import write_stata_files
from .citation import CITATION_FILES, release_name
from .croissant import write_croissant
from .dataset_card import write_card


def write_release_formats(tables: dict[str, pa.Table], texts: dict[str, str], directory: Path) -> None:
    """Write every further format into the release staging `directory` (after the CSV files)."""
    write_stata_files(TABLES, tables, directory)
    write_spreadsheet(TABLES, tables, directory / SPREADSHEET_FILE)
    write_brat(tables, texts, directory)
    write_annotations(tables, directory / ANNOTATIONS_FILE)
    write_aif(tables, directory / AIF_FILE)
    write_card(directory)
    write_croissant(directory)
    for name, render in CITATION_FILES.items():
        (directory / release_name(name)).write_text(render(), encoding="utf-8")


MANIFEST_FILE = "manifest.json"
# Written after the manifest is complete, each recording the others.
DESCRIPTORS = {MANIFEST_FILE, "datapackage.json", "SHA256SUMS"}


def record_other_files(directory: Path) -> None:
    """Add every file of the release that the build's manifest does not list (the formats
    above, the notes, the maps) to manifest.json, with its size and SHA-256, so the manifest
    records every file as SHA256SUMS and datapackage.json do."""
    import json

    from .checksums import release_files, sha256

    path = directory / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    listed = {manifest["database"]["path"]} | {f["path"] for t in manifest["tables"] for f in t["files"].values()}
    others = [name for name in release_files(directory) if name not in listed | DESCRIPTORS]
    manifest["other_files"] = [
        {"path": name, "bytes": (directory / name).stat().st_size, "sha256": sha256(directory / name)}
        for name in others
    ]
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
