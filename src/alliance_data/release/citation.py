"""How to cite the dataset, in the formats citation tools read: CITATION.cff (Citation File
Format 1.2.0, read by GitHub and Zotero) and .zenodo.json (Zenodo's deposit metadata).

Everything comes from `about`, the one place of name, version, date and licence. A DOI is
added here (`DOI`) once Zenodo has minted one for a release; minting it needs a person.
"""

from __future__ import annotations

import json

import yaml

from .. import about

CFF_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"
# Set once a DOI is minted (docs/releases.md says how); None until then.
DOI: str | None = None
KEYWORDS = ["Iran", "Russia", "alliance", "claims", "international relations", "argument mining", "hedging"]


def _source_reference() -> dict:
    return {
        "type": "blog",
        "title": "Iran And Russia: A Deepening Alliance",
        "authors": [{"given-names": "Jhon", "family-names": "Lennon"}],
        "notes": "The article whose claims the dataset records; its URL, publisher and date are unknown.",
    }


def citation_cff() -> dict:
    """The CITATION.cff content as a mapping."""
    content: dict = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": about.TITLE,
        "abstract": about.DESCRIPTION,
        "authors": [{"name": "alliance-data contributors"}],
        "version": about.__version__,
        "date-released": about.RELEASED,
        "license": about.LICENSE,
        "repository-code": about.HOMEPAGE,
        "url": about.HOMEPAGE,
        "keywords": KEYWORDS,
        "references": [_source_reference()],
    }
    if DOI:
        content["doi"] = DOI
    return content


def citation_cff_text() -> str:
    header = "# Generated from src/alliance_data/about.py by `python tools/citation_files.py`; do not edit.\n"
    return header + yaml.safe_dump(citation_cff(), sort_keys=False, allow_unicode=True, width=100)


def zenodo() -> dict:
    """Zenodo's deposit metadata (https://developers.zenodo.org/#representation)."""
    content: dict = {
        "title": about.TITLE,
        "upload_type": "dataset",
        "description": about.DESCRIPTION,
        "creators": [{"name": "alliance-data contributors"}],
        "version": about.__version__,
        "publication_date": about.RELEASED,
        "license": about.LICENSE.lower(),
        "access_right": "open",
        "keywords": KEYWORDS,
        "notes": (
            "The records are released under CC BY 4.0. The source article's text is included unchanged so that "
            "every quote can be verified; it is the author's and is not under the dataset's licence."
        ),
        "related_identifiers": [{"identifier": about.HOMEPAGE, "relation": "isSupplementTo", "scheme": "url"}],
    }
    if DOI:
        content["doi"] = DOI
    return content


def zenodo_text() -> str:
    return json.dumps(zenodo(), indent=2, ensure_ascii=False) + "\n"


DATA_LICENCE_FILE = "LICENSE-DATA.md"


def data_licence_text() -> str:
    """The data licence, with what it does not cover (the source text)."""
    return DATA_LICENCE


DATA_LICENCE = """# Licence of the data

The curated records of alliance-data (every table under `data/` and every file built from them)
are © {year} alliance-data contributors and licensed under the
**Creative Commons Attribution 4.0 International** licence (CC BY 4.0).

- Human-readable summary: <https://creativecommons.org/licenses/by/4.0/>
- Legal code: <https://creativecommons.org/licenses/by/4.0/legalcode>

You may share and adapt the data for any purpose, including commercially, provided you give
appropriate credit (cite the version you used: `alliance_data.citation()`, `CITATION.cff` or
the citation in each release's `RELEASE_NOTES.md`), provide a link to the licence, and indicate
if changes were made.

## What the licence does not cover

The text of the source article (`data/sources/*.txt`, and `sources/*.txt` in each release) is
the work of its author, Jhon Lennon. It is not licensed by this project. It is included unchanged
only so that every quote in the dataset can be verified against the text it comes from
(`quote == text[char_start:char_end]`). Quotes in the records are short excerpts made for that
purpose; the claims record what the author says, not established facts.
""".replace("{year}", about.year())

# The files written at the repository root (tools/citation_files.py) and into every release.
CITATION_FILES = {CFF_FILE: citation_cff_text, ZENODO_FILE: zenodo_text, DATA_LICENCE_FILE: data_licence_text}


def release_name(name: str) -> str:
    """The name of a citation file inside a release: a Data Package path may not start with a dot."""
    return name.lstrip(".")
