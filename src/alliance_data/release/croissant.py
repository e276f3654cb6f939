"""Croissant metadata (https://docs.mlcommons.org/croissant/docs/croissant-spec-1.1.html):
`croissant.json`, the schema.org Dataset description that machine-learning tools and dataset
search read, with one record set per table (each column a field typed and described from the
models) and the Responsible AI fields: how the data was collected and annotated, its limits,
and that the claims are the author's views.

`dataset_jsonld()` is the same schema.org Dataset without the record sets, for embedding in
web pages (the Datasette home page, the documentation's index).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import about
from ..codebook.registry import TABLES
from .checksums import sha256

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
        "(docs/curation.md): kind, topic, actors, certainty by an explicit hedge-cue table with recorded exceptions, "
        "time frame, a statement in the curators' own words and the verbatim quote with its character offsets. "
        "Links between claims record the article's argument, each with the basis in the text that supports it."
    ),
    "rai:dataAnnotationPlatform": ["Hand-authored YAML records, validated by pydantic and pandera"],
    "rai:dataAnnotationAnalysis": (
        "A second coding made under the same codebook is compared with the first in docs/reliability.md. Both "
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
    return {"@type": "Organization", "name": "alliance-data contributors", **_url()}


def _url() -> dict:
    # No address until the dataset has one (about.PUBLIC_BASE_URL).
    return {"url": about.PUBLIC_BASE_URL} if about.PUBLIC_BASE_URL else {}


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
        **_url(),
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


def croissant(directory: Path) -> dict:
    """The Croissant description of the release in `directory` (its CSV files must exist)."""
    distribution, record_sets = [], []
    for table in TABLES:
        file_id = f"{table.name}-csv"
        path = directory / f"{table.name}.csv"
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": file_id,
                "name": f"{table.name}.csv",
                "description": f"The {table.name} table as CSV.",
                "contentUrl": f"{table.name}.csv",
                "encodingFormat": "text/csv",
                "sha256": sha256(path),
                "contentSize": f"{path.stat().st_size} B",
            }
        )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": table.name,
                "name": table.name,
                "description": table.description,
                "key": [{"@id": f"{table.name}/{key}"} for key in table.primary_key],
                "field": [
                    {
                        "@type": "cr:Field",
                        "@id": f"{table.name}/{column.name}",
                        "name": column.name,
                        "description": column.description
                        + (f" One of: {', '.join(column.levels)}." if column.levels else ""),
                        "dataType": _data_type(column),
                        "source": {"fileObject": {"@id": file_id}, "extract": {"column": column.name}},
                    }
                    for column in table.columns
                ],
            }
        )
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
        **_url(),
        "creator": _creator(),
        "citeAs": about.citation(),
        "keywords": ["Iran", "Russia", "alliance", "claims", "international relations", "argument mining"],
        **RESPONSIBLE_AI,
        "distribution": distribution,
        "recordSet": record_sets,
    }


def write_croissant(directory: Path) -> Path:
    path = directory / CROISSANT_FILE
    path.write_text(json.dumps(croissant(directory), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
