"""The release's sources/ folder: each source's text byte for byte (sources/<id>.txt) and its
article page (sources/<id>.html, self-contained), listed in manifest.json and datapackage.json
with their status: the author's text, not under the dataset's licence."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from .. import about
from ..source_texts import SOURCES_DIR, add_to_manifest, file_entry, read_texts, write_texts
from .checksums import sha256
from .datapackage import DESCRIPTOR_FILE

ARTICLE_TABLES = ("sources", "sections", "claims", "claim_actors", "actors", "topics", "claim_links")


def article_path(source_id: str) -> str:
    return f"{SOURCES_DIR}/{source_id}.html"


def write_release_sources(directory: Path, data_dir: Path, tables: dict[str, pa.Table]) -> None:
    """Write sources/ into a release being cut, after datapackage.json and before SHA256SUMS."""
    from ..article import article_html

    rows = {name: tables[name].to_pylist() for name in ARTICLE_TABLES}
    texts = read_texts(Path(data_dir), rows["sources"])
    entries = write_texts(directory, texts)
    for entry in entries:
        source_id = entry["source_id"]
        page = article_html(texts[source_id].decode("utf-8"), rows, source_id, text_href=f"{source_id}.txt")
        (directory / article_path(source_id)).write_text(page, encoding="utf-8")
        entry["article"] = file_entry(directory, article_path(source_id))
    add_to_manifest(directory, entries)
    _describe(directory, entries)


def _describe(directory: Path, entries: list[dict]) -> None:
    path = directory / DESCRIPTOR_FILE
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    listed = {resource["path"] for resource in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if resource["path"] == "manifest.json":  # it now lists the source texts too
            resource.update(bytes=(directory / "manifest.json").stat().st_size)
            resource.update(hash=f"sha256:{sha256(directory / 'manifest.json')}")
    for entry in entries:
        for relative, kind, media, description in (
            (entry["path"], "txt", "text/plain", f"The full text of source {entry['source_id']}. "),
            (
                entry["article"]["path"],
                "html",
                "text/html",
                f"The article {entry['source_id']} with every claim highlighted in place (open in a browser). ",
            ),
        ):
            if relative in listed:
                continue
            descriptor["resources"].append(
                {
                    "name": relative.lower().replace("/", "-"),
                    "path": relative,
                    "bytes": (directory / relative).stat().st_size,
                    "hash": f"sha256:{sha256(directory / relative)}",
                    "type": "file",
                    "format": kind,
                    "mediatype": media,
                    "encoding": "utf-8",
                    "description": description + about.SOURCE_TEXT_STATUS,
                }
            )
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
