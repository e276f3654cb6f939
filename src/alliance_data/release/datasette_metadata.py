"""`alliance.metadata.json`: the Datasette metadata of the release's database, for plain
`datasette alliance.db -m alliance.metadata.json` (no plugins of ours): the server's metadata
(serving/metadata.py) without what only our server provides (the codebook and actor facets, the
`fts_terms` function, the article and file pages), plus the codebook tables' descriptions."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .. import about
from ..exports.sqlite_codebook import DESCRIPTIONS
from ..serving.metadata import DATABASE_NAME, SEARCH_HINT, metadata

METADATA_FILE = "alliance.metadata.json"


def _plain_facet(facet):
    """A facet plain Datasette knows: our codebook facet becomes a column facet (counts order,
    not the codebook's); the actor facet, a join through claim_actors, has no plain form."""
    if isinstance(facet, str):
        return facet
    if "codebook" in facet:
        return facet["codebook"]
    return None


def standalone_metadata(version: str) -> dict:
    served = metadata(release=version)
    tables = {}
    for name, entry in served["databases"][DATABASE_NAME]["tables"].items():
        entry = dict(entry)
        entry["description_html"] = entry["description_html"].replace(SEARCH_HINT, "")
        if "facets" in entry:
            entry["facets"] = [plain for plain in map(_plain_facet, entry["facets"]) if plain is not None]
        tables[name] = entry
    tables.update({name: {"description": text} for name, text in DESCRIPTIONS.items()})
    queries = {}
    for name, query in served["databases"][DATABASE_NAME]["queries"].items():
        # fts_terms (our server's) makes any words a safe full-text query; plain SQLite takes the
        # FTS5 query syntax as typed.
        queries[name] = {**query, "sql": query["sql"].replace("fts_terms(:q)", ":q")}
    return {
        "title": served["title"],
        "description_html": (
            f"<p>{escape(about.DESCRIPTION)}</p>"
            "<p>What every table, column and level means is in the tables codebook_tables, codebook_columns "
            "and codebook_levels; the licence, citation and source in dataset_info.</p>"
            f"<p><strong>Cite:</strong> {escape(about.citation(version))}</p>"
        ),
        "license": served["license"],
        "license_url": served["license_url"],
        "source": served["source"],
        "source_url": served["source_url"],
        "databases": {DATABASE_NAME: {"tables": tables, "queries": queries}},
    }


def write_datasette_metadata(directory: Path, version: str) -> Path:
    path = directory / METADATA_FILE
    path.write_text(json.dumps(standalone_metadata(version), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
