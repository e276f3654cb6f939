"""Datasette 0.65 and 1.0: the same server description for both.

Datasette 1.0 reads canned queries and table options (facets, sort, label columns, page size)
from its configuration (`--config`, `Datasette(config=...)`), not from metadata, and ignores
them in metadata without an error; 0.65 reads them from metadata and has no such
configuration. `split_for(metadata)` gives the pair the installed Datasette wants.
"""

from __future__ import annotations

import copy
from importlib.metadata import version

# Table options that Datasette 1.0 takes from configuration.
CONFIG_TABLE_KEYS = (
    "facets",
    "facet_size",
    "sort",
    "sort_desc",
    "size",
    "sortable_columns",
    "label_column",
    "hidden",
    "fts_table",
    "fts_pk",
    "searchmode",
)


def datasette_major(installed: str | None = None) -> int:
    return int((installed or version("datasette")).split(".")[0])


def split_for(metadata: dict, major: int | None = None) -> tuple[dict, dict]:
    """(metadata, configuration) for Datasette `major` (the installed one by default); on 0.x
    the configuration is empty and the metadata unchanged."""
    if (datasette_major() if major is None else major) < 1:
        return metadata, {}
    metadata = copy.deepcopy(metadata)
    config: dict = {"databases": {}}
    for name, database in metadata.get("databases", {}).items():
        target = config["databases"].setdefault(name, {})
        if "queries" in database:
            target["queries"] = database.pop("queries")
        for table, options in database.get("tables", {}).items():
            moved = {key: options.pop(key) for key in CONFIG_TABLE_KEYS if key in options}
            if moved:
                target.setdefault("tables", {})[table] = moved
    return metadata, config
