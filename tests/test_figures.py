"""Figures and the argument map: generated, deterministic, current, and true to the links."""

from __future__ import annotations

import re
import shutil

from click.testing import CliRunner
from tools import figures as figures_tool
from tools.figures import readme_with_map

import alliance_data
from alliance_data.cli import main
from alliance_data.rendering.argument_map import claim_graph, topic_graph
from alliance_data.rendering.figures import _records
from conftest import ROOT

FIGURES = ROOT / "docs" / "figures"


def rows(name):
    return _records(alliance_data.load(name))


def test_figures_and_the_readme_map_are_current():
    assert figures_tool.check() == [], "run `python -m tools.figures`"


def test_figures_are_deterministic_and_the_command_draws_the_same(tmp_path):
    drawn = figures_tool.figures()
    assert figures_tool.figures() == drawn
    result = CliRunner().invoke(main, ["figures", "--out", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    mine = {p.name: p.read_bytes() for p in (tmp_path / "mine").iterdir()}
    assert mine == {path.name: content for path, content in drawn.items() if path.parent == FIGURES.relative_to(ROOT)}


def test_a_stale_figure_or_map_is_reported(tmp_path):
    shutil.copytree(FIGURES, tmp_path / "docs" / "figures")
    (tmp_path / "docs" / "figures" / "actor-network.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "docs" / "figures" / "old.svg").write_text("<svg/>", encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(readme.replace("flowchart LR", "flowchart TD", 1), encoding="utf-8")
    assert figures_tool.check(tmp_path) == [
        "docs/figures/actor-network.svg",
        "README.md",
        "docs/figures/old.svg (not a figure this tool writes: remove it)",
    ]


def test_readme_shows_the_map_and_two_figures():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_map(readme, "flowchart LR\n") != readme  # the block the tool fills is there
    assert "```mermaid\nflowchart LR" in readme
    assert len(re.findall(r"!\[[^\]]+\]\(docs/figures/[a-z-]+\.svg\)", readme)) >= 2


def test_topic_map_edges_are_the_claim_links_aggregated():
    claims, links = rows("claims"), rows("claim_links")
    graph = topic_graph(claims, links, rows("topics"))
    topic_of = {c["claim_id"]: c["topic_id"] for c in claims}
    cross_topic = [link for link in links if topic_of[link["from_claim"]] != topic_of[link["to_claim"]]]
    assert sum(edge.weight for edge in graph.edges) == len(cross_topic)
    # Written by hand from the text: sanctions pressure drives economic cooperation.
    assert any(
        e.source == "driver-shared-pressure" and e.target == "area-economic-trade" and e.relation.value == "drives"
        for e in graph.edges
    )


def test_claim_map_has_a_node_per_linked_claim_linking_to_its_page():
    links = rows("claim_links")
    graph = claim_graph(rows("claims"), links)
    assert {n.id for n in graph.nodes} == {link["from_claim"] for link in links} | {link["to_claim"] for link in links}
    assert all(n.href == f"/alliance/claims/{n.id}" for n in graph.nodes)
    assert len(graph.edges) == len(links)


def test_columns_follow_the_argument():
    graph = topic_graph(rows("claims"), rows("claim_links"), rows("topics"))
    kinds = [node.kind.value for node in graph.nodes]
    order = ["history", "driver", "area", "implication", "outlook", "risk"]
    assert kinds == sorted(kinds, key=order.index)
