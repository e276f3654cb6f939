"""Deterministic figures of the dataset (SVG, matplotlib with its display-free Agg backend).

Each figure is a function of the packaged tables; the same data gives the same bytes
(no dates, a fixed hash salt, text kept as text).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..codebook.vocabulary import Certainty, Kind
from ..extras import require
from .argument_map import KIND_FILL, claim_graph, to_mermaid, to_svg, topic_graph

if TYPE_CHECKING:
    import pandas as pd

KIND_COLOURS = {
    Kind.HISTORY: "#9e9e9e",
    Kind.DRIVER: "#1f77b4",
    Kind.AREA: "#2ca02c",
    Kind.IMPLICATION: "#9467bd",
    Kind.OUTLOOK: "#e6a700",
    Kind.RISK: "#d62728",
}
CERTAINTY_COLOURS = ["#08519c", "#4292c6", "#9ecae1", "#deebf7"]


def _pyplot():
    require("figures", "drawing figures")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {"svg.hashsalt": "alliance-data", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 10}
    )
    return plt


def _save(figure, path: Path) -> None:
    figure.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "alliance-data"})


def claims_by_section(claims: pd.DataFrame, sections: pd.DataFrame, path: Path) -> None:
    plt = _pyplot()
    names = sections.sort_values("ordinal").set_index("section_id")["short_name"]
    counts = claims.groupby(["section_id", "kind"], observed=False).size().unstack(fill_value=0).reindex(names.index)
    figure, axes = plt.subplots(figsize=(8, 4))
    left = [0] * len(counts)
    for kind in Kind:
        values = counts[kind.value].tolist()
        axes.barh(names.tolist(), values, left=left, color=KIND_COLOURS[kind], label=kind.value)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("claims")
    axes.set_title("Claims per section, by kind")
    axes.legend(ncols=6, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    axes.spines[["top", "right"]].set_visible(False)
    _save(figure, path)
    plt.close(figure)


def certainty_by_kind(claims: pd.DataFrame, path: Path) -> None:
    plt = _pyplot()
    table = claims.groupby(["kind", "certainty"], observed=False).size().unstack(fill_value=0)
    shares = table.div(table.sum(axis=1).where(lambda s: s > 0, 1), axis=0)
    figure, axes = plt.subplots(figsize=(8, 3.6))
    kinds = [kind.value for kind in Kind]
    left = [0.0] * len(kinds)
    for level, colour in zip(Certainty, CERTAINTY_COLOURS, strict=True):
        values = shares.loc[kinds, level.value].tolist()
        axes.barh(kinds, values, left=left, color=colour, label=level.value, edgecolor="white")
        left = [a + b for a, b in zip(left, values, strict=True)]
    for index, kind in enumerate(kinds):
        axes.text(1.01, index, f"n={int(table.loc[kind].sum())}", va="center", fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of claims")
    axes.set_title("How certain the author is, by kind of claim")
    axes.legend(ncols=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    axes.spines[["top", "right"]].set_visible(False)
    _save(figure, path)
    plt.close(figure)


def actor_network(pairs: pd.DataFrame, actors: pd.DataFrame, path: Path) -> None:
    """Who appears with whom: actors on a circle, edges weighted by shared claims."""
    plt = _pyplot()
    weights = pairs.groupby(["actor_a", "actor_b"]).size().sort_index()
    degree = (
        weights.groupby(level=0)
        .sum()
        .add(weights.groupby(level=1).sum(), fill_value=0)
        .sort_values(ascending=False, kind="stable")
    )
    order = degree.index.tolist()
    names = actors.set_index("actor_id")["name"]
    position = {
        actor: (
            math.cos(2 * math.pi * i / len(order) + math.pi / 2),
            math.sin(2 * math.pi * i / len(order) + math.pi / 2),
        )
        for i, actor in enumerate(order)
    }
    figure, axes = plt.subplots(figsize=(8, 8))
    top = weights.max()
    for (a, b), weight in weights.items():
        (x1, y1), (x2, y2) = position[a], position[b]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color="#555555",
            alpha=0.25 + 0.6 * weight / top,
            linewidth=0.5 + 6 * weight / top,
            zorder=1,
        )
    for actor in order:
        x, y = position[actor]
        size = 60 + 900 * degree[actor] / degree.max()
        axes.scatter([x], [y], s=size, color="#1f77b4", zorder=2, edgecolors="white")
        axes.annotate(
            f"{names[actor]} ({int(degree[actor])})", (x * 1.12, y * 1.12), ha="center", va="center", fontsize=8.5
        )
    axes.set_xlim(-1.45, 1.45)
    axes.set_ylim(-1.3, 1.3)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title("Actors that appear together in claims\n(line width: shared claims; in brackets: pair count)")
    _save(figure, path)
    plt.close(figure)


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def argument_maps(claims: list[dict], links: list[dict], topics: list[dict], link_prefix: str = "") -> dict[str, str]:
    """The two SVG argument maps, from the rows of claims, claim_links and topics: file name -> SVG."""
    by_topic, by_claim = ARGUMENT_MAPS
    return {
        by_topic: to_svg(topic_graph(claims, links, topics), "The argument of the article, by topic", link_prefix),
        by_claim: to_svg(claim_graph(claims, links), "The argument of the article, claim by claim", link_prefix),
    }


ARGUMENT_MAPS = ("argument-map.svg", "argument-map-claims.svg")
MERMAID_MAP = "argument-map.mmd"


def mermaid_map(tables: dict[str, pd.DataFrame]) -> str:
    """The argument map by topic as a Mermaid diagram (what the README shows)."""
    return to_mermaid(topic_graph(*(_records(tables[name]) for name in ("claims", "claim_links", "topics"))))


FIGURES: dict[str, Callable[[dict[str, pd.DataFrame], Path], None]] = {
    "claims-by-section.svg": lambda t, p: claims_by_section(t["claims"], t["sections"], p),
    "certainty-by-kind.svg": lambda t, p: certainty_by_kind(t["claims"], p),
    "actor-network.svg": lambda t, p: actor_network(t["actor_pairs"], t["actors"], p),
}


def earlier_figures(directory: Path) -> str | None:
    """None when `directory` holds only figures this module draws (an earlier run's, which may be
    replaced), else why it must not be replaced."""
    ours = {*FIGURES, *ARGUMENT_MAPS, MERMAID_MAP}
    others = sorted(entry.name for entry in directory.iterdir() if entry.name not in ours)
    if others:
        return f"it holds files that are not figures ({', '.join(others[:3])}{', …' if len(others) > 3 else ''})"
    return None


FIGURES_ADVICE = "choose a new or empty directory"


def check_figures_output(out: Path) -> None:
    """OutputRefused if `out` must not be written (see `write_figures`), before any work."""
    from ..filesystem.atomic import check_target

    check_target(Path(out), replaceable=earlier_figures, advice=FIGURES_ADVICE)


def write_figures(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Every figure and both argument maps (SVG, and the map by topic as Mermaid) into `out`.

    Written as `build` writes its output (`atomic.atomic_directory`): into a fresh staging
    directory swapped in whole, so a symbolic link planted in `out` is never written through,
    and `out` is refused when it is a link, a file, a device or a directory of other files."""
    require("figures", "write_figures")  # before `out` is made: a missing extra leaves nothing behind
    from ..filesystem.atomic import atomic_directory

    out = Path(out)
    with atomic_directory(out, replaceable=earlier_figures, advice=FIGURES_ADVICE) as staging:
        for name, draw in FIGURES.items():
            draw(tables, staging / name)
        rows = (_records(tables[name]) for name in ("claims", "claim_links", "topics"))
        for name, svg in argument_maps(*rows).items():
            (staging / name).write_text(svg, encoding="utf-8")
        (staging / MERMAID_MAP).write_text(mermaid_map(tables), encoding="utf-8")
    return [out / name for name in (*FIGURES, *ARGUMENT_MAPS, MERMAID_MAP)]


__all__ = ["FIGURES", "KIND_FILL", "MERMAID_MAP", "argument_maps", "mermaid_map", "write_figures"]
