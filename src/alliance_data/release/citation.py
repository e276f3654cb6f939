"""How to cite the dataset, in the formats citation tools read: CITATION.cff (Citation File
Format 1.2.0, read by GitHub and Zotero) and .zenodo.json (Zenodo's deposit metadata).

Everything comes from `about`, the one place of name, version, date, licence, address and DOI.
The address and the DOI are written only once they exist (`python -m tools.identity` sets them
in `about`); until then the files say there is neither.
"""

from __future__ import annotations

import json

import yaml

from .. import about

CFF_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"
KEYWORDS = ["Iran", "Russia", "alliance", "claims", "international relations", "argument mining", "hedging"]


AUTHOR = "alliance-data contributors"
# ISO 639-3, as Zenodo's `language` wants it: the records and the source article are in English.
LANGUAGE = "eng"
SOURCE_ARTICLE = "Jhon Lennon, “Iran And Russia: A Deepening Alliance” (blog article; URL, publisher and date unknown)"


def _where() -> dict:
    """The address and DOI fields of a citation, only those the dataset has."""
    fields: dict = {}
    if about.DOI:
        fields["doi"] = about.DOI
    if about.PUBLIC_BASE_URL:
        fields["url"] = about.PUBLIC_BASE_URL
    return fields


def _source_reference() -> dict:
    return {
        "type": "blog",
        "title": "Iran And Russia: A Deepening Alliance",
        "authors": [{"given-names": "Jhon", "family-names": "Lennon"}],
        "notes": "The article whose claims the dataset records; its URL, publisher and date are unknown.",
    }


def _preferred_citation() -> dict:
    """The dataset as a CFF reference: what citation tools that read `preferred-citation` (GitHub's
    "Cite this repository", Zotero) cite, with the version."""
    return {
        "type": "data",
        "title": about.TITLE,
        "authors": [{"name": AUTHOR}],
        "version": about.__version__,
        "year": int(about.year()),
        "date-released": about.RELEASED,
        "license": about.LICENSE,
        **_where(),
        **({} if _where() else {"notes": "No public URL or DOI yet."}),
    }


def citation_cff() -> dict:
    """The CITATION.cff content as a mapping."""
    where = _where()
    content: dict = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below (preferred-citation).",
        "type": "dataset",
        "title": about.TITLE,
        "abstract": about.DESCRIPTION,
        "authors": [{"name": AUTHOR}],
        "version": about.__version__,
        "date-released": about.RELEASED,
        "license": about.LICENSE,
        **({"repository-code": where["url"]} if "url" in where else {}),
        **where,
        "keywords": KEYWORDS,
        "preferred-citation": _preferred_citation(),
        "references": [_source_reference()],
    }
    return content


def bibtex_key(version: str = about.__version__, released: str = about.RELEASED) -> str:
    """A citation key that names the dataset, the year and the version: `alliance_data_2026_v3_0_0`."""
    return f"alliance_data_{about.year(released)}_v{about.bare_version(version).replace('.', '_')}"


def bibtex(version: str = about.__version__, released: str = about.RELEASED) -> str:
    """The dataset as one BibTeX entry (`@misc`, which every style knows): the author in double braces
    so that BibTeX keeps "alliance-data contributors" one name, not a given name and a surname.
    The one BibTeX of the dataset: the citation files, Croissant's `citeAs` and the dataset card."""
    version = about.bare_version(version)
    where = _where()
    fields = {
        "author": f"{{{AUTHOR}}}",
        "title": about.TITLE,
        "year": about.year(released),
        "version": version,
        "note": " ".join(
            [
                f"Version {version}.",
                *([] if where else ["No public URL or DOI yet."]),
                f"Source article: {SOURCE_ARTICLE}",
            ]
        ),
        **where,
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{bibtex_key(version, released)},\n{body}\n}}\n"


def citation_cff_text() -> str:
    header = "# Generated from src/alliance_data/about.py by `python tools/citation_files.py`; do not edit.\n"
    return header + yaml.safe_dump(citation_cff(), sort_keys=False, allow_unicode=True, width=100)


def zenodo() -> dict:
    """Zenodo's deposit metadata (https://developers.zenodo.org/#representation)."""
    content: dict = {
        "title": about.TITLE,
        "upload_type": "dataset",
        "description": about.DESCRIPTION,
        "creators": [{"name": AUTHOR}],
        "version": about.__version__,
        "publication_date": about.RELEASED,
        "license": about.LICENSE.lower(),
        "access_right": "open",
        "keywords": KEYWORDS,
        "language": LANGUAGE,
        "notes": (
            "The records are released under CC BY 4.0. The source article's text is included unchanged so that "
            "every quote can be verified; it is the author's and is not under the dataset's licence."
        ),
        # Zenodo's references are free-text citations of the works the deposit cites.
        "references": [f"Source article: {SOURCE_ARTICLE}."],
    }
    if about.PUBLIC_BASE_URL:
        content["related_identifiers"] = [
            {"identifier": about.PUBLIC_BASE_URL, "relation": "isIdenticalTo", "scheme": "url"}
        ]
    if about.DOI:
        content["doi"] = about.DOI
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
