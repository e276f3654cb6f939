"""W3C Web Annotations (https://www.w3.org/TR/annotation-model/): `annotations.jsonld`, one
AnnotationCollection of every claim and every link in one AnnotationPage, for annotation tools
(Recogito, Hypothesis, INCEpTION's importers) and linked-data users.

Every identifier is an absolute IRI (`about.resource_iri`): under the public address once the
dataset has one, else a `urn:uuid:` name-based on the version and the file, with the claim id as
fragment. The annotations point at `sources/<source_id>.txt`, the canonical copy of the text.

A claim is an annotation whose target is the quote, a SpecificResource of the text with two
selectors: a TextQuoteSelector (the exact quote with 32 characters of prefix and suffix, to
re-anchor it in another copy of the text) and a TextPositionSelector (Unicode code-point
offsets, as Python indexes the text). Its bodies are the statement (purpose `describing`) and
its kind, topic, certainty and actors (purpose `classifying` or `tagging`), each a TextualBody
whose value is the code.

A link follows the model's linking pattern, so its direction survives in RDF (where a list of
targets is an unordered set): the target is the from-claim's quote (the same resource, with the
same id, as the from-claim's target), the first body the to-claim's quote (purpose `linking`),
then the relation and the basis (purpose `classifying`) and the justification (`commenting`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from .. import about
from ..build.source_texts import SOURCES_DIR

ANNOTATIONS_FILE = "annotations.jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def source_path(source_id: str) -> str:
    """The path of a source's text inside a release: what every annotation points at."""
    return f"{SOURCES_DIR}/{source_id}.txt"


def _iri(fragment: str) -> str:
    return about.resource_iri(f"{ANNOTATIONS_FILE}#{fragment}")


def claim_iri(claim_id: str) -> str:
    return _iri(claim_id)


def quote_iri(claim_id: str) -> str:
    """The IRI of a claim's quote (the span of the text it was read from)."""
    return _iri(f"{claim_id}/quote")


def _body(value: str, purpose: str, label: str | None = None) -> dict:
    body = {"type": "TextualBody", "value": value, "purpose": purpose, "format": "text/plain"}
    if label:
        body["label"] = label
    return body


def quote(claim: dict) -> dict:
    """The claim's quote as a SpecificResource of its source text."""
    return {
        "id": quote_iri(claim["claim_id"]),
        "type": "SpecificResource",
        "source": about.resource_iri(source_path(claim["source_id"])),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": claim["quote"],
                "prefix": claim["prefix"],
                "suffix": claim["suffix"],
            },
            {"type": "TextPositionSelector", "start": claim["char_start"], "end": claim["char_end"]},
        ],
    }


def claim_annotation(claim: dict, actors: list[dict]) -> dict:
    bodies = [
        _body(claim["statement"], "describing"),
        _body(claim["kind"], "classifying", "kind"),
        _body(claim["topic_id"], "classifying", "topic"),
        _body(claim["certainty"], "classifying", "certainty"),
        *(_body(actor["actor_id"], "tagging", f"actor:{actor['role']}") for actor in actors),
    ]
    return {
        "id": claim_iri(claim["claim_id"]),
        "type": "Annotation",
        "motivation": "describing",
        "body": bodies,
        "target": quote(claim),
    }


def link_annotation(link: dict, claims: dict[str, dict]) -> dict:
    bodies = [
        {**quote(claims[link["to_claim"]]), "purpose": "linking"},
        _body(link["relation"], "classifying", "relation"),
    ]
    if link.get("basis"):
        bodies.append(_body(link["basis"], "classifying", "basis"))
    bodies.append(_body(link["justification"], "commenting"))
    return {
        "id": _iri(f"{link['from_claim']}/{link['relation']}/{link['to_claim']}"),
        "type": "Annotation",
        "motivation": "linking",
        "body": bodies,
        "target": quote(claims[link["from_claim"]]),
    }


def collection(tables: dict[str, pa.Table]) -> dict:
    """The AnnotationCollection of every claim and link, in one AnnotationPage."""
    actors: dict[str, list[dict]] = {}
    for row in tables["claim_actors"].to_pylist():
        actors.setdefault(row["claim_id"], []).append(row)
    claims = {claim["claim_id"]: claim for claim in tables["claims"].to_pylist()}
    items = [claim_annotation(claim, actors.get(claim_id, [])) for claim_id, claim in claims.items()]
    items += [link_annotation(link, claims) for link in tables["claim_links"].to_pylist()]
    collection_id, page_id = about.resource_iri(ANNOTATIONS_FILE), _iri("page-1")
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{about.TITLE}, version {about.__version__}: claims and links",
        "total": len(items),
        # partOf as an object: the W3C test suite requires one that describes the collection.
        "first": {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": {"id": collection_id},
            "startIndex": 0,
            "items": items,
        },
        "last": page_id,
    }


def write_annotations(tables: dict[str, pa.Table], path: Path) -> Path:
    path.write_text(json.dumps(collection(tables), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
