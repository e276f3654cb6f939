"""The release's README.md as a Hugging Face dataset card: YAML metadata with one `configs`
entry per table (so `datasets.load_dataset(<release folder>, "claims")` loads that table) and its
features (every enumeration a `ClassLabel` in the codebook's order), then what the dataset is,
its tables, its limits and how to cite it.

The configurations read the CSV files: `datasets` (5.x) cannot cast a Parquet dictionary column
to a ClassLabel, and reads the CSV's text levels into one. The licence is `other`: the records
are CC BY 4.0, the source text in sources/ is the author's (LICENSE-DATA.md says which is which).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .. import about
from ..codebook.columns import Column
from ..codebook.registry import TABLES
from .citation import bibtex

CARD_FILE = "README.md"


LICENSE_NAME = "cc-by-4.0-records-source-text-by-its-author"
LICENSE_LINK = "LICENSE-DATA.md"


def feature(column: Column) -> dict:
    """A column as a `datasets` feature: an enumeration a ClassLabel whose names are its levels in
    the codebook's order (so label 0 is the first level)."""
    if column.enum:
        names = {str(number): level for number, level in enumerate(column.levels)}
        return {"name": column.name, "dtype": {"class_label": {"names": names}}}
    return {"name": column.name, "dtype": "int64" if column.dtype == "integer" else "string"}


def card_metadata() -> dict:
    return {
        "pretty_name": about.TITLE,
        "license": "other",
        "license_name": LICENSE_NAME,
        "license_link": LICENSE_LINK,
        "language": ["en"],
        "size_categories": ["n<1K"],
        # Claims classified by kind, topic and certainty; no token-level data.
        "task_categories": ["text-classification"],
        "tags": ["argument-mining", "hedging", "international-relations", "claims", "Iran", "Russia"],
        "configs": [
            {
                "config_name": table.name,
                "data_files": [{"split": "train", "path": f"{table.name}.csv"}],
                # Only an empty field is missing: text such as "NA" or "null" stays text.
                "keep_default_na": False,
                "na_values": [""],
                **({"default": True} if table.name == "claims" else {}),
            }
            for table in TABLES
        ],
        "dataset_info": [
            {"config_name": table.name, "features": [feature(column) for column in table.columns]} for table in TABLES
        ],
    }


def card_text() -> str:
    rows = "\n".join(f"| `{table.name}` | {table.description} |" for table in TABLES)
    return f"""---
{yaml.safe_dump(card_metadata(), sort_keys=False, allow_unicode=True, width=100).rstrip()}
---

# {about.TITLE}

Version {about.__version__}, released {about.RELEASED}.

{about.DESCRIPTION}

## Tables

Each table is a configuration of this dataset (`claims` is the default), read from its CSV file
with every enumeration a `ClassLabel` in the codebook's order; every table is also here as
Parquet, in the SQLite database `alliance.db`, as Stata files in `stata/` and in the spreadsheet
`alliance-data.xlsx`. `codebook.md` documents every column.

| table | one row per |
|---|---|
{rows}

```python
from datasets import load_dataset

claims = load_dataset("<this folder>", "claims")["train"]
claims.features["certainty"].names   # ['asserted', 'likely', 'possible', 'speculative']
```

## Annotations for text research

`annotations.jsonld` (W3C Web Annotation), `brat/` (BRAT standoff with `annotation.conf`) and
`argument-graph.json` (Argument Interchange Format) hold the same claims and links anchored in
the source text, which is in `sources/` byte for byte.

## Limitations

The claims are the author's views, not established facts. One article of unknown date and
publisher is the only source. Kinds, topics, certainty and links are the curators' reading under
the codebook; links whose basis is `inferred` are the curators', not the author's.

## Licence and citation

The licence is `other` because the folder holds two kinds of material: the records (every
table, in every format) are released under CC BY 4.0; the source text (`sources/`, and its copy
in `brat/`) is the author's, not under that licence, and is included unchanged only so that
quotes can be verified (`LICENSE-DATA.md`).

{about.citation()}

```bibtex
{bibtex()}
```
"""


def write_card(directory: Path) -> Path:
    path = directory / CARD_FILE
    path.write_text(card_text(), encoding="utf-8")
    return path
