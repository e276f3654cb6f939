"""The source texts travel with the data: each source's text, byte for byte, as
sources/<source_id>.txt beside the tables, listed in manifest.json with its checksum and its
status (the author's text, not under the dataset's licence), so every quote can be checked
offline against `text[char_start:char_end]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import about
from ..filesystem.digest import file_entry

SOURCES_DIR = "sources"
MANIFEST_KEY = "source_texts"
MEDIA_TYPE = "text/plain; charset=utf-8"


def text_path(source_id: str) -> str:
    return f"{SOURCES_DIR}/{source_id}.txt"


def write_texts(directory: Path, texts: Mapping[str, bytes]) -> list[dict[str, Any]]:
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
