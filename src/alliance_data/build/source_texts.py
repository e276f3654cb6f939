"""The source texts travel with the data: each source's text, byte for byte, as
sources/<source_id>.txt beside the tables, listed in manifest.json with its checksum and its
status (the author's text, not under the dataset's licence), so every quote can be checked
offline against `text[char_start:char_end]`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import about

SOURCES_DIR = "sources"
MANIFEST_KEY = "source_texts"
MEDIA_TYPE = "text/plain; charset=utf-8"


def text_path(source_id: str) -> str:
    return f"{SOURCES_DIR}/{source_id}.txt"


def file_entry(directory: Path, relative: str) -> dict[str, Any]:
    data = (directory / relative).read_bytes()
    return {"path": relative, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_texts(directory: Path, texts: dict[str, bytes]) -> list[dict[str, Any]]:
    """Write each source's bytes as sources/<source_id>.txt; their manifest entries, by id."""
    (directory / SOURCES_DIR).mkdir(exist_ok=True)
    entries = []
    for source_id in sorted(texts):
        relative = text_path(source_id)
        (directory / relative).write_bytes(texts[source_id])
        entries.append(
            {
                "source_id": source_id,
                **file_entry(directory, relative),
                "media_type": MEDIA_TYPE,
                "status": about.SOURCE_TEXT_STATUS,
            }
        )
    return entries


def add_to_manifest(directory: Path, entries: list[dict[str, Any]], manifest_file: str = "manifest.json") -> None:
    """List the source texts in the manifest that the build wrote (same layout, one more key)."""
    path = directory / manifest_file
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[MANIFEST_KEY] = entries
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_texts(data_dir: Path, sources: list[dict[str, Any]]) -> dict[str, bytes]:
    """Each source's bytes from data/sources/, checked against the sha256 its record gives."""
    texts = {}
    for source in sources:
        data = (Path(data_dir) / SOURCES_DIR / source["file_name"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != source["sha256"]:
            raise ValueError(
                f"{SOURCES_DIR}/{source['file_name']} does not match the sha256 of source {source['source_id']}"
            )
        texts[source["source_id"]] = data
    return texts
