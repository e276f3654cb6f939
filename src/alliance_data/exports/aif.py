"""The argument graph in the Argument Interchange Format (AIF, http://www.arg.dundee.ac.uk/aif),
as the JSON that AIFdb, OVA and the argument-mining tools of the ARG-tech ecosystem exchange
(`argument-graph.json`, wrapped as xAIF: {"AIF": {...}, "text": ...}).

Every claim is an information node (type I) holding its statement; every link becomes a
scheme node between two I-nodes, of the type its relation maps to in the vocabulary: RA
(inference), CA (conflict) or MA (rephrase), with an edge from the first claim to the scheme
node and one from the scheme node to the second. Locutions tie each I-node to the quote it
was read from (an L-node of the author), so the graph can be re-anchored in the text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from ..codebook.vocabulary import LinkRelation, aif_scheme

AIF_FILE = "argument-graph.json"
AUTHOR = "Jhon Lennon"
SCHEME_TEXT = {"RA": "Default Inference", "CA": "Default Conflict", "MA": "Default Rephrase"}


def argument_graph(tables: dict[str, pa.Table]) -> dict:
    nodes, edges, locutions = [], [], []
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
        assertion = add_node("Asserting", "YA")
        add_edge(locution, assertion)
        add_edge(assertion, information)
    for link in tables["claim_links"].to_pylist():
        scheme = aif_scheme(LinkRelation(link["relation"]))
        node = add_node(SCHEME_TEXT[scheme], scheme, relation=link["relation"])
        add_edge(node_of[link["from_claim"]], node)
        add_edge(node, node_of[link["to_claim"]])
    return {
        "AIF": {
            "nodes": nodes,
            "edges": edges,
            "locutions": locutions,
            "participants": [{"participantID": "1", "firstname": "Jhon", "surname": "Lennon"}],
            "schemefulfillments": [],
            "descriptorfulfillments": [],
        },
        "OVA": [],
        "text": "",
    }


def write_aif(tables: dict[str, pa.Table], path: Path) -> Path:
    path.write_text(json.dumps(argument_graph(tables), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
