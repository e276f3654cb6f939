"""The author's argument in the Argument Interchange Format (AIF, http://www.arg.dundee.ac.uk/aif),
as the xAIF JSON that AIFdb, OVA and the argument-mining tools of the ARG-tech ecosystem exchange
(`argument-graph.json`), in the shape of the `xaif` package's own template: {"AIF": {...},
"ova": {}, "dialog": false, "text": {"txt": ...}}.

Every claim is an information node (type I) holding its statement, asserted (a YA node) by a
locution of the author (an L-node: the quote, with its offsets), so the graph can be re-anchored
in the text; `text.txt` holds one highlighted span per L-node, its id the L-node's, as OVA shows
them. Every link the text supports (basis `explicit` or `implicit`) becomes a scheme node of the
type its relation maps to in the vocabulary: RA (inference), CA (conflict) or MA (rephrase), with
an edge from the first claim to the scheme node and one from the scheme node to the second; the
node keeps the link's relation and basis. The curators' inferred links (basis `inferred`) are
left out: they are a reading of the curators, not the author's argument (claim_links has them).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pyarrow as pa

from ..codebook.vocabulary import LinkRelation, aif_scheme

AIF_FILE = "argument-graph.json"
AUTHOR = "Jhon Lennon"
SCHEME_TEXT = {"RA": "Default Inference", "CA": "Default Conflict", "MA": "Default Rephrase"}
# A link of this basis is the curators' reading, so it has no place in the author's graph.
CURATORS_BASIS = "inferred"


def _span(node_id: str, quote: str) -> str:
    # As the xaif package writes a locution into the text shown beside the graph.
    return f'<span class="highlighted" id="{node_id}">{escape(quote)}</span><br><br>'


def argument_graph(tables: dict[str, pa.Table]) -> dict:
    nodes, edges, locutions, spans = [], [], [], []
    node_of: dict[str, str] = {}

    def add_node(text: str, kind: str, **extra) -> str:
        node_id = str(len(nodes) + 1)
        nodes.append({"nodeID": node_id, "text": text, "type": kind, **extra})
        return node_id

    def add_edge(start: str, end: str) -> None:
        edges.append({"edgeID": str(len(edges) + 1), "fromID": start, "toID": end})

    for claim in tables["claims"].to_pylist():
        information = add_node(claim["statement"], "I", claimID=claim["claim_id"])
        node_of[claim["claim_id"]] = information
        locution = add_node(f"{AUTHOR} : {claim['quote']}", "L", start=claim["char_start"], end=claim["char_end"])
        locutions.append({"nodeID": locution, "personID": "1"})
        spans.append(_span(locution, claim["quote"]))
        assertion = add_node("Asserting", "YA")
        add_edge(locution, assertion)
        add_edge(assertion, information)
    for link in tables["claim_links"].to_pylist():
        if link["basis"] == CURATORS_BASIS:
            continue
        scheme = aif_scheme(LinkRelation(link["relation"]))
        node = add_node(SCHEME_TEXT[scheme], scheme, relation=link["relation"], basis=link["basis"])
        add_edge(node_of[link["from_claim"]], node)
        add_edge(node, node_of[link["to_claim"]])
    return {
        "AIF": {
            "nodes": nodes,
            "edges": edges,
            "locutions": locutions,
            "schemefulfillments": [],
            "descriptorfulfillments": [],
            "participants": [{"participantID": "1", "firstname": "Jhon", "surname": "Lennon"}],
        },
        "ova": {},
        # One author's text, not turns of a dialogue.
        "dialog": False,
        "text": {"txt": "".join(spans)},
    }


def write_aif(tables: dict[str, pa.Table], path: Path) -> Path:
    path.write_text(json.dumps(argument_graph(tables), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
