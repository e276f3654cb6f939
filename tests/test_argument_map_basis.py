"""The argument map tells what the author argued from what the curators inferred."""

from __future__ import annotations

from alliance_data.rendering.argument_map import DASH, claim_graph, to_mermaid, to_svg, topic_graph


def _claim(claim_id: str, kind: str, topic: str, start: int) -> dict:
    return {
        "claim_id": claim_id,
        "kind": kind,
        "topic_id": topic,
        "statement": f"Claim {claim_id}.",
        "char_start": start,
    }


CLAIMS = [_claim("a-s1-001", "driver", "t-driver", 0), _claim("a-s2-001", "area", "t-area", 10)]
TOPICS = [
    {"topic_id": "t-driver", "kind": "driver", "label": "A driver"},
    {"topic_id": "t-area", "kind": "area", "label": "An area"},
]


def _link(relation: str, basis: str) -> dict:
    return {"from_claim": "a-s1-001", "to_claim": "a-s2-001", "relation": relation, "basis": basis}


def test_inferred_links_are_dashed_and_the_legend_says_so():
    links = [_link("drives", "explicit"), _link("enables", "inferred")]
    svg = to_svg(claim_graph(CLAIMS, links), "Map")
    paths = [line for line in svg.splitlines() if line.startswith("<path")]
    assert len(paths) == 2
    assert [DASH in line for line in paths] == [False, True]  # drives solid, enables dashed
    assert "link inferred by the curators" in svg and "link in the text (explicit or implicit)" in svg


def test_a_topic_edge_is_split_by_whether_its_links_are_inferred():
    links = [_link("drives", "explicit"), _link("drives", "implicit"), _link("drives", "inferred")]
    graph = topic_graph(CLAIMS, links, TOPICS)
    assert sorted((edge.weight, edge.inferred) for edge in graph.edges) == [(1, True), (2, False)]
    mermaid = to_mermaid(graph)
    assert "-->|drives ×2|" in mermaid and "-.->|drives|" in mermaid
