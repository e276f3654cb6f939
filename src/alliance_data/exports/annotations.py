"""W3C Web Annotations (https://www.w3.org/TR/annotation-model/): `annotations.jsonld`, one
AnnotationCollection of every claim and every link, for annotation tools (Hypothesis,
Recogito, INCEpTION's importers) and linked-data users.

A claim is an annotation on its source text with two selectors: a TextQuoteSelector (the
exact quote with 32 characters of prefix and suffix, to re-anchor it in another copy of the
text) and a TextPositionSelector (Unicode code-point offsets, as Python indexes the text).
Its bodies are the statement (purpose `describing`) and its kind, topic, certainty and
actors (purpose `classifying` or `tagging`), each a TextualBody whose value is the code.
A link is an annotation whose targets are both claims, its relation the body.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from .. import about

ANNOTATIONS_FILE = "annotations.jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _iri(kind: str, key: str) -> str:
    return f"{about.HOMEPAGE}/{kind}/{key}"


def _body(value: str, purpose: str, label: str | None = None) -> dict:
    body = {"type": "TextualBody", "value": value, "purpose": purpose, "format": "text/plain"}
    if label:
        body["label"] = label
    return body


def claim_annotation(claim: dict, actors: list[dict], source: str) -> dict:
    bodies = [
        _body(claim["statement"], "describing"),
        _body(claim["kind"], "classifying", "kind"),
        _body(claim["topic_id"], "classifying", "topic"),
        _body(claim["certainty"], "classifying", "certainty"),
        *(_body(actor["actor_id"], "tagging", f"actor:{actor['role']}") for actor in actors),
    ]
    return {
        "id": _iri("claim", claim["claim_id"]),
        "type": "Annotation",
        "motivation": "describing",
        "body": bodies,
        "target": {
            "source": source,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": claim["quote"],
                    "prefix": claim["prefix"],
                    "suffix": claim["suffix"],
                },
                {"type": "TextPositionSelector", "start": claim["char_start"], "end": claim["char_end"]},
            ],
        },
    }


def link_annotation(link: dict) -> dict:
    key = f"{link['from_claim']}/{link['relation']}/{link['to_claim']}"
    bodies = [_body(link["relation"], "classifying", "relation"), _body(link["justification"], "commenting")]
    if link.get("basis"):
        bodies.append(_body(link["basis"], "classifying", "basis"))
    return {
        "id": _iri("link", key),
        "type": "Annotation",
        "motivation": "linking",
        "body": bodies,
        "target": [_iri("claim", link["from_claim"]), _iri("claim", link["to_claim"])],
    }


def collection(tables: dict[str, pa.Table], source_paths: dict[str, str]) -> dict:
    """The AnnotationCollection of every claim and link; `source_paths` maps a source id to
    the text's address (a path inside the release)."""
    actors: dict[str, list[dict]] = {}
    for row in tables["claim_actors"].to_pylist():
        actors.setdefault(row["claim_id"], []).append(row)
    items = [
        claim_annotation(claim, actors.get(claim["claim_id"], []), source_paths[claim["source_id"]])
        for claim in tables["claims"].to_pylist()
    ]
    items += [link_annotation(link) for link in tables["claim_links"].to_pylist()]
    return {
        "@context": CONTEXT,
        "id": _iri("annotations", about.__version__),
        "type": "AnnotationCollection",
        "label": f"{about.TITLE}, version {about.__version__}: claims and links",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def write_annotations(tables: dict[str, pa.Table], source_paths: dict[str, str], path: Path) -> Path:
    path.write_text(json.dumps(collection(tables, source_paths), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
