"""Croissant metadata (https://docs.mlcommons.org/croissant/docs/croissant-spec-1.1.html):
`croissant.json`, the schema.org Dataset description that machine-learning tools and dataset
search read, with one record set per table (each column a field typed and described from the
models, each foreign key a `references`) and the Responsible AI fields: how the data was
collected and annotated, its limits, and that the claims are the author's views.

The distribution lists every file a record set reads (the CSV files), the Parquet files, the
source texts every offset points into, and the curation guide and reliability report the
Responsible AI fields cite. `contentUrl` is the file's path relative to croissant.json (the
reference implementation, mlcroissant, resolves it against the file's folder) until the dataset
has a public address (`about.PUBLIC_BASE_URL`); then it is the file's absolute URL.

`dataset_jsonld()` is the same schema.org Dataset without the record sets, for embedding in
web pages (the Datasette home page, the documentation's index).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import about
from ..build.source_texts import SOURCES_DIR
from ..codebook.registry import TABLES, Table
from .checksums import sha256
from .citation import bibtex

CROISSANT_FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
# The Croissant JSON-LD context, as the specification defines it.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

RESPONSIBLE_AI = {
    "rai:dataCollection": (
        'One article, "Iran And Russia: A Deepening Alliance" by Jhon Lennon, received as plain text and kept '
        "byte for byte. Every sentence was read and either recorded as one or more claims or listed with a reason "
        "(greeting, rhetorical question, filler, signpost) as not a claim."
    ),
    "rai:dataCollectionType": ["Manual Human Curation"],
    "rai:dataAnnotationProtocol": (
        "Claims were segmented and coded by hand under the project's codebook (docs/codebook.md) and curation guide "
        "(docs/curation.md, in the release): kind, topic, actors, certainty by an explicit hedge-cue table with "
        "recorded exceptions, "
        "time frame, a statement in the curators' own words and the verbatim quote with its character offsets. "
        "Links between claims record the article's argument, each with the basis in the text that supports it."
    ),
    "rai:dataAnnotationPlatform": ["Hand-authored YAML records, validated by pydantic and pandera"],
    "rai:dataAnnotationAnalysis": (
        "A second coding made under the same codebook is compared with the first in docs/reliability.md (in the "
        "release). Both "
        "codings were assisted by automated tools: the agreement figures are a consistency check of the codebook, "
        "not inter-coder reliability between independent experts."
    ),
    "rai:annotationsPerItem": "Two codings of kind, topic and certainty per claim; one resolved value is published.",
    "rai:machineAnnotationTools": ["Automated assistance in both codings; every value was checked against the text."],
    "rai:dataUseCases": [
        "Analysing how one commentary argues about the Iran-Russia relationship (international relations).",
        "Argument mining and hedge detection on a small, fully anchored corpus (computational linguistics).",
    ],
    "rai:dataLimitations": (
        "One blog-style article of unknown date and publisher: the claims are the author's views, not established "
        "facts, and say nothing about what other sources argue. Kinds, topics, links and certainty are the curators' "
        "reading under the codebook. Not suitable for measuring actual cooperation between the states."
    ),
    "rai:dataBiases": (
        "The article's own perspective and selection of events; the curators' reading of implicit links "
        "(links marked as inferred are the curators', not the author's)."
    ),
    "rai:dataSocialImpact": (
        "Claims about states' intentions can be mistaken for facts: every record states that it is the author's view."
    ),
    "rai:personalSensitiveInformation": "None: the text names states, organisations and the author only.",
    "rai:dataReleaseMaintenancePlan": (
        "Versioned releases that are never changed; each lists what changed since the previous one, by stable id."
    ),
}


def _creator() -> dict:
    creator = {"@type": "Organization", "name": "alliance-data contributors"}
    if about.PUBLIC_BASE_URL:
        creator["url"] = about.PUBLIC_BASE_URL
    return creator


def _address() -> dict:
    """The dataset's public address and DOI, only once they exist."""
    address = {}
    if about.PUBLIC_BASE_URL:
        address["url"] = about.PUBLIC_BASE_URL
    if about.DOI:
        address["identifier"] = f"https://doi.org/{about.DOI}"
    return address


def dataset_jsonld() -> dict:
    """The schema.org Dataset of this version, for web pages."""
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": about.TITLE,
        "description": about.DESCRIPTION,
        "version": about.__version__,
        "datePublished": about.RELEASED,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        **_address(),
        "creator": _creator(),
        "citation": about.citation(),
        "keywords": ["Iran", "Russia", "alliance", "claims", "international relations", "argument mining"],
        "isBasedOn": {
            "@type": "BlogPosting",
            "headline": "Iran And Russia: A Deepening Alliance",
            "author": "Jhon Lennon",
        },
    }


def _data_type(column) -> str:
    return "sc:Integer" if column.dtype == "integer" else "sc:Text"


def content_url(path: str) -> str:
    """Where a file of the release is: relative to croissant.json until there is a public address."""
    return about.resource_iri(path) if about.PUBLIC_BASE_URL else path


# The media type and description of every file the distribution lists besides the tables.
DOCUMENTS = {
    "docs/curation.md": "The curation guide: how claims were segmented and coded (cited by the Responsible AI fields).",
    "docs/reliability.md": "Agreement between two codings, with every decision (cited by the Responsible AI fields).",
}


def _file_object(directory: Path, file_id: str, path: str, media_type: str, description: str) -> dict:
    return {
        "@type": "cr:FileObject",
        "@id": file_id,
        "name": path,
        "description": description,
        "contentUrl": content_url(path),
        "encodingFormat": media_type,
        "sha256": sha256(directory / path),
        "contentSize": f"{(directory / path).stat().st_size} B",
    }


def distribution(directory: Path) -> list[dict]:
    files = []
    for table in TABLES:
        files.append(
            _file_object(
                directory, f"{table.name}-csv", f"{table.name}.csv", "text/csv", f"The {table.name} table as CSV."
            )
        )
        files.append(
            _file_object(
                directory,
                f"{table.name}-parquet",
                f"{table.name}.parquet",
                "application/vnd.apache.parquet",
                f"The {table.name} table as Parquet (enumerations as dictionaries in the codebook's order).",
            )
        )
    for text in sorted((directory / SOURCES_DIR).glob("*.txt")):
        path = f"{SOURCES_DIR}/{text.name}"
        files.append(
            _file_object(
                directory,
                f"source-{text.stem}",
                path,
                "text/plain",
                f"The full text of source {text.stem}, into which every char_start and char_end of its rows "
                f"points (Unicode code points). {about.SOURCE_TEXT_STATUS}",
            )
        )
    for path, description in DOCUMENTS.items():
        files.append(_file_object(directory, path, path, "text/markdown", description))
    return files


def in_release(description: str) -> str:
    """A model's description as it reads in a release: the texts the repository keeps under
    data/sources/ are under sources/ there."""
    return description.replace(f"data/{SOURCES_DIR}/", f"{SOURCES_DIR}/")


def _field(table: Table, column) -> dict:
    described = in_release(column.description) + (f" One of: {', '.join(column.levels)}." if column.levels else "")
    if column.name in ("char_start", "char_end", "signal_start", "signal_end"):
        described += f" Offsets point into {SOURCES_DIR}/<source_id>.txt."
    field = {
        "@type": "cr:Field",
        "@id": f"{table.name}/{column.name}",
        "name": column.name,
        "description": described,
        "dataType": _data_type(column),
        "source": {"fileObject": {"@id": f"{table.name}-csv"}, "extract": {"column": column.name}},
    }
    references = [key for key in table.foreign_keys if key.column == column.name]
    if references:
        key = references[0]
        # The referenced table's file and column: a reference to the other record set's field reads
        # that record set as a generator, which mlcroissant 1.1's join cannot merge.
        field["references"] = {"fileObject": {"@id": f"{key.table}-csv"}, "extract": {"column": key.other_column}}
    return field


def croissant(directory: Path) -> dict:
    """The Croissant description of the release in `directory` (its CSV, Parquet and source
    files and its documents must exist)."""
    record_sets = [
        {
            "@type": "cr:RecordSet",
            "@id": table.name,
            "name": table.name,
            "description": in_release(table.description),
            "key": [{"@id": f"{table.name}/{key}"} for key in table.primary_key],
            "field": [_field(table, column) for column in table.columns],
        }
        for table in TABLES
    ]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": about.NAME,
        "alternateName": about.TITLE,
        "description": about.DESCRIPTION,
        "version": about.__version__,
        "datePublished": about.RELEASED,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        **_address(),
        "creator": _creator(),
        "citeAs": bibtex(),
        "keywords": ["Iran", "Russia", "alliance", "claims", "international relations", "argument mining"],
        **RESPONSIBLE_AI,
        "distribution": distribution(directory),
        "recordSet": record_sets,
    }


def write_croissant(directory: Path) -> Path:
    path = directory / CROISSANT_FILE
    path.write_text(json.dumps(croissant(directory), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


JSONLD_START = "<!-- dataset-jsonld:start (generated by tools/citation_files.py) -->"
JSONLD_END = "<!-- dataset-jsonld:end -->"


def dataset_jsonld_block() -> str:
    """The schema.org Dataset as a script element, for a web page."""
    from ..escaping import for_inline_script

    body = for_inline_script(dataset_jsonld(), indent=1)
    return f'<script type="application/ld+json">\n{body}\n</script>'


def with_dataset_jsonld(page: str) -> str:
    """`page` with its generated JSON-LD block replaced (or appended, the first time)."""
    block = f"{JSONLD_START}\n{dataset_jsonld_block()}\n{JSONLD_END}"
    if JSONLD_START in page:
        before, rest = page.split(JSONLD_START, 1)
        return before + block + rest.split(JSONLD_END, 1)[1]
    return page.rstrip("\n") + "\n\n" + block + "\n"
