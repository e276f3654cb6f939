"""The release's README.md as a Hugging Face dataset card: YAML metadata with one `configs`
entry per table (so `datasets.load_dataset(<release folder>, "claims")` loads that table), then
what the dataset is, its tables, its limits and how to cite it."""

from __future__ import annotations

from pathlib import Path

import yaml

from .. import about
from ..codebook.registry import TABLES

CARD_FILE = "README.md"


def card_metadata() -> dict:
    return {
        "pretty_name": about.TITLE,
        "license": about.LICENSE.lower(),
        "language": ["en"],
        "size_categories": ["n<1K"],
        "task_categories": ["text-classification", "token-classification"],
        "tags": ["argument-mining", "hedging", "international-relations", "claims", "Iran", "Russia"],
        "configs": [
            {
                "config_name": table.name,
                "data_files": [{"split": "train", "path": f"{table.name}.parquet"}],
                **({"default": True} if table.name == "claims" else {}),
            }
            for table in TABLES
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

Each table is a configuration of this dataset (`claims` is the default); every file is also here
as CSV, in the SQLite database `alliance.db`, as Stata files in `stata/` and in the spreadsheet
`alliance-data.xlsx`. `codebook.md` documents every column.

| table | one row per |
|---|---|
{rows}

```python
from datasets import load_dataset

claims = load_dataset("parquet", data_files="claims.parquet")["train"]
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

The records are released under CC BY 4.0 (`LICENSE-DATA.md`); the source text is the author's
and is included unchanged only so that quotes can be verified.

{about.citation()}
"""


def write_card(directory: Path) -> Path:
    path = directory / CARD_FILE
    path.write_text(card_text(), encoding="utf-8")
    return path
