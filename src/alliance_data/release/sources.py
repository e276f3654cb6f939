"""The release's sources/ folder: each source's text byte for byte (sources/<id>.txt) and its
article page (sources/<id>.html, self-contained), listed in manifest.json and datapackage.json
with their status: the author's text, not under the dataset's licence."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from .. import about
from ..build.source_texts import SOURCES_DIR, write_texts
from ..filesystem.digest import file_entry

ARTICLE_TABLES = ("sources", "sections", "claims", "claim_actors", "actors", "topics", "claim_links")


def article_path(source_id: str) -> str:
    return f"{SOURCES_DIR}/{source_id}.html"


def write_release_sources(directory: Path, texts: Mapping[str, bytes], tables: dict[str, pa.Table]) -> list[dict]:
    """Write sources/ into a release being cut, before its manifest and datapackage.json are
    written (which describe them); the manifest's entries of the texts, each with its page.
    `texts` are the sources' bytes as validation read them."""
    from ..rendering.article import article_html

    rows = {name: tables[name].to_pylist() for name in ARTICLE_TABLES}
    entries = write_texts(directory, texts)
    for entry in entries:
        source_id = entry["source_id"]
        page = article_html(texts[source_id].decode("utf-8"), rows, source_id, text_href=f"{source_id}.txt")
        (directory / article_path(source_id)).write_text(page, encoding="utf-8")
        entry["article"] = file_entry(directory, article_path(source_id))
    return entries


def describe_source_file(path: str) -> str | None:
    """The datapackage.json description of a file of sources/ (None for any other path)."""
    folder, _, name = path.partition("/")
    if folder != SOURCES_DIR:
        return None
    source_id, _, suffix = name.rpartition(".")
    if suffix == "txt":
        return f"The full text of source {source_id}. " + about.SOURCE_TEXT_STATUS
    return f"The article {source_id} with every claim highlighted in place (open in a browser). " + (
        about.SOURCE_TEXT_STATUS
    )
