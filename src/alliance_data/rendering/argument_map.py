"""The argument map: the article's reasoning drawn from `claim_links`, never by hand.

Columns follow the argument: history → drivers → areas of cooperation → implications →
outlook and risks. The topic-level map collapses claims to their topics (an edge's weight is
the number of claim links behind it); the claim-level map keeps every linked claim. Both
render as deterministic SVG (each node a link to its page in Datasette) and as Mermaid for
the README. Links the text makes (basis explicit or implicit) are drawn solid, the curators'
inferences (basis inferred) dashed, with a legend.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Any

from ..codebook.vocabulary import Kind, LinkRelation

COLUMN_ORDER = [Kind.HISTORY, Kind.DRIVER, Kind.AREA, Kind.IMPLICATION, Kind.OUTLOOK, Kind.RISK]
COLUMN_TITLES = {
    Kind.HISTORY: "History",
    Kind.DRIVER: "Drivers",
    Kind.AREA: "Areas of cooperation",
    Kind.IMPLICATION: "Implications",
    Kind.OUTLOOK: "Outlook",
    Kind.RISK: "Risks",
}
RELATION_COLOURS = {
    LinkRelation.DRIVES: "#1f77b4",
    LinkRelation.ENABLES: "#2ca02c",
    LinkRelation.IMPLIES: "#9467bd",
    LinkRelation.POSES_RISK_TO: "#d62728",
    LinkRelation.QUALIFIES: "#7f7f7f",
    LinkRelation.CONTRADICTS: "#ff7f0e",
    LinkRelation.ELABORATES: "#17becf",
    LinkRelation.EXEMPLIFIES: "#bcbd22",
    LinkRelation.RESTATES: "#8c564b",
}
# How an edge is drawn by the basis of its links: in the text (solid) or inferred (dashed).
DASH = "6,4"
BASIS_LEGEND = (("in the text (explicit or implicit)", None), ("inferred by the curators", DASH))
KIND_FILL = {
    Kind.HISTORY: "#f2f2f2",
    Kind.DRIVER: "#dbe9f6",
    Kind.AREA: "#e0f0dc",
    Kind.IMPLICATION: "#ece3f3",
    Kind.OUTLOOK: "#fff2cc",
    Kind.RISK: "#f9dcdc",
}


@dataclass(frozen=True)
class Node:
    id: str
    kind: Kind
    label: str
    href: str
    order: int  # reading order within its column


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: LinkRelation
    weight: int
    inferred: bool = False  # every link behind the edge has basis 'inferred'


@dataclass(frozen=True)
class Graph:
    nodes: list[Node]
    edges: list[Edge]


def _first_position(claims: list[dict[str, Any]], key: str) -> dict[str, int]:
    first: dict[str, int] = {}
    for claim in claims:
        first[claim[key]] = min(first.get(claim[key], claim["char_start"]), claim["char_start"])
    return first


def _inferred(link: dict[str, Any]) -> bool:
    return link.get("basis") == "inferred"


def topic_graph(claims: list[dict[str, Any]], links: list[dict[str, Any]], topics: list[dict[str, Any]]) -> Graph:
    """Topics as nodes; one edge per (topic, topic, relation, inferred or not) weighted by its claim links."""
    topic_of = {claim["claim_id"]: claim["topic_id"] for claim in claims}
    weights = Counter(
        (topic_of[link["from_claim"]], topic_of[link["to_claim"]], LinkRelation(link["relation"]), _inferred(link))
        for link in links
    )
    edges = [Edge(a, b, relation, n, inferred) for (a, b, relation, inferred), n in sorted(weights.items()) if a != b]
    used = {edge.source for edge in edges} | {edge.target for edge in edges}
    first = _first_position(claims, "topic_id")
    nodes = [
        Node(
            t["topic_id"], Kind(t["kind"]), t["label"], f"/alliance/topics/{t['topic_id']}", first.get(t["topic_id"], 0)
        )
        for t in topics
        if t["topic_id"] in used
    ]
    return Graph(sorted(nodes, key=lambda n: (COLUMN_ORDER.index(n.kind), n.order, n.id)), edges)


def claim_graph(claims: list[dict[str, Any]], links: list[dict[str, Any]], label_length: int = 60) -> Graph:
    """Every linked claim as a node, every link as an edge."""
    by_id = {claim["claim_id"]: claim for claim in claims}
    used = {link["from_claim"] for link in links} | {link["to_claim"] for link in links}
    nodes = [
        Node(
            claim_id,
            Kind(by_id[claim_id]["kind"]),
            textwrap.shorten(by_id[claim_id]["statement"], label_length, placeholder="…"),
            f"/alliance/claims/{claim_id}",
            by_id[claim_id]["char_start"],
        )
        for claim_id in used
    ]
    edges = sorted(
        (
            Edge(link["from_claim"], link["to_claim"], LinkRelation(link["relation"]), 1, _inferred(link))
            for link in links
        ),
        key=lambda edge: (edge.source, edge.target, edge.relation.value),
    )
    return Graph(sorted(nodes, key=lambda n: (COLUMN_ORDER.index(n.kind), n.order, n.id)), edges)


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart (rendered natively by GitHub and GitLab), one subgraph per kind."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for kind in COLUMN_ORDER:
        members = [node for node in graph.nodes if node.kind is kind]
        if not members:
            continue
        lines.append(f'  subgraph {kind.value}["{COLUMN_TITLES[kind]}"]')
        for node in members:
            label = node.label.replace('"', "'")
            lines.append(f'    {ids[node.id]}["{label}"]')
        lines.append("  end")
    for edge in graph.edges:
        text = edge.relation.value.replace("_", " ") + (f" ×{edge.weight}" if edge.weight > 1 else "")
        arrow = "-.->" if edge.inferred else "-->"  # dotted: inferred by the curators
        lines.append(f"  {ids[edge.source]} {arrow}|{text}| {ids[edge.target]}")
    for kind in COLUMN_ORDER:
        lines.append(f"  style {kind.value} fill:{KIND_FILL[kind]}")
    return "\n".join(lines) + "\n"


# --- SVG ------------------------------------------------------------------------------------

NODE_WIDTH = 230
COLUMN_GAP = 120
LINE_HEIGHT = 14
NODE_PADDING = 8
ROW_GAP = 14
TOP = 70
LEFT = 20


def _wrap(label: str, width: int = 34) -> list[str]:
    return textwrap.wrap(label, width) or [""]


def to_svg(graph: Graph, title: str, link_prefix: str = "") -> str:
    """A deterministic SVG: kinds in columns, nodes in reading order, edges as curves."""
    columns = [kind for kind in COLUMN_ORDER if any(node.kind is kind for node in graph.nodes)]
    x_of = {kind: LEFT + index * (NODE_WIDTH + COLUMN_GAP) for index, kind in enumerate(columns)}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    heights = []
    for kind in columns:
        y = TOP
        for node in (n for n in graph.nodes if n.kind is kind):
            height = len(_wrap(node.label)) * LINE_HEIGHT + 2 * NODE_PADDING
            boxes[node.id] = (x_of[kind], y, NODE_WIDTH, height)
            y += height + ROW_GAP
        heights.append(y)
    height = max(heights, default=TOP) + 85
    max_weight = max((edge.weight for edge in graph.edges), default=1)
    paths = []
    # A curve stays inside its control points: the loops out of the last column widen the figure.
    right = LEFT + len(columns) * NODE_WIDTH + (len(columns) - 1) * COLUMN_GAP
    for edge in graph.edges:
        sx, sy, sw, sh = boxes[edge.source]
        tx, ty, tw, th = boxes[edge.target]
        y1, y2 = sy + sh / 2, ty + th / 2
        if tx > sx:  # forward: right side to left side
            x1, x2 = sx + sw, tx
            bend = (x2 - x1) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        elif tx < sx:  # backward (a risk to an outlook): left side to right side
            x1, x2 = sx, tx + tw
            bend = (x1 - x2) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1 - bend:.1f},{y1:.1f} {x2 + bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        else:  # within a column: loop out on the right
            x1, x2 = sx + sw, tx + tw
            reach = 40 + abs(y2 - y1) / 8 + (sx - tx) / 4
            path = f"M{x1:.1f},{y1:.1f} C{x1 + reach:.1f},{y1:.1f} {x2 + reach:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            right = max(right, x1 + reach, x2 + reach)
        stroke = 1 + 3 * (edge.weight - 1) / max(1, max_weight - 1)
        colour = RELATION_COLOURS[edge.relation]
        label = f"{edge.source} {edge.relation.value} {edge.target}" + (
            f" ({edge.weight} links)" if edge.weight > 1 else ""
        )
        label += " (inferred)" if edge.inferred else ""
        dash = f' stroke-dasharray="{DASH}"' if edge.inferred else ""
        stroke_width = f'stroke-width="{stroke:.2f}"'
        paths.append(f'<path d="{path}" stroke="{colour}" {stroke_width}{dash}><title>{escape(label)}</title></path>')
    width = round(right + LEFT)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    for kind in columns:
        out.append(
            f'<text x="{x_of[kind] + NODE_WIDTH / 2}" y="{TOP - 12}" font-size="13" font-weight="bold" '
            f'text-anchor="middle">{escape(COLUMN_TITLES[kind])}</text>'
        )
    out.append('<g fill="none" stroke-opacity="0.55">')
    out += paths
    out.append("</g>")
    for node in graph.nodes:
        x, y, w, h = boxes[node.id]
        out.append(f'<a xlink:href="{escape(link_prefix + node.href)}" href="{escape(link_prefix + node.href)}">')
        out.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{KIND_FILL[node.kind]}" '
            f'stroke="#555" stroke-width="0.8"><title>{escape(node.id)}</title></rect>'
        )
        for index, line in enumerate(_wrap(node.label)):
            out.append(
                f'<text x="{x + NODE_PADDING}" y="{y + NODE_PADDING + (index + 0.8) * LINE_HEIGHT:.1f}" '
                f'font-size="11.5" fill="#111">{escape(line)}</text>'
            )
        out.append("</a>")
    legend_y = height - 55
    for index, (relation, colour) in enumerate(RELATION_COLOURS.items()):
        x = LEFT + index * 140
        out.append(f'<line x1="{x}" y1="{legend_y}" x2="{x + 30}" y2="{legend_y}" stroke="{colour}" stroke-width="3"/>')
        out.append(
            f'<text x="{x + 36}" y="{legend_y + 4}" font-size="11">{escape(relation.value.replace("_", " "))}</text>'
        )
    for index, (meaning, dash) in enumerate(BASIS_LEGEND):
        x, y = LEFT + index * 300, legend_y + 25
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 30}" y2="{y}" stroke="#333" stroke-width="2"{pattern}/>')
        out.append(f'<text x="{x + 36}" y="{y + 4}" font-size="11">link {escape(meaning)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
