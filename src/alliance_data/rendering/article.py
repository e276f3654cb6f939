"""The article page: a source's full text with every claim highlighted over its exact span.

One Jinja2 template (templates/article.html) renders it as a standalone, self-contained HTML
file (in each release and in the docs) and as a Datasette page (with links to the row pages).
The input is plain rows (dicts) of the tables, so it renders from Arrow tables or SQLite rows
alike; link columns the data may not have yet (`basis`, `signal_start`, `signal_end`) are used
when present. The same rows give the same bytes.

Overlapping claims stay distinguishable: the text is cut into segments at every claim and
signal boundary, and each claim draws its own underline on its own lane (a depth below the
line), in its kind's colour and its certainty's line style, starting at a marker whose glyph
is the certainty again (never colour alone).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from .. import about

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "article.html"

# Kind colours for underlines and swatches: dark enough for 3:1 against white (non-text contrast).
KIND_COLOURS = {
    "history": "#5f5f5f",
    "driver": "#1f5fa8",
    "area": "#2e7d32",
    "implication": "#7b3fa0",
    "outlook": "#9a6700",
    "risk": "#c62828",
}
KIND_LABELS = {
    "history": "History",
    "driver": "Driver",
    "area": "Area of cooperation",
    "implication": "Implication",
    "outlook": "Outlook",
    "risk": "Risk",
}
# Certainty as a second channel: the marker's glyph and the underline's style.
CERTAINTY_GLYPHS = {"asserted": "●", "likely": "◕", "possible": "◑", "speculative": "○"}
CERTAINTY_LINES = {"asserted": "solid", "likely": "dashed", "possible": "dotted", "speculative": "double"}
BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@dataclass(frozen=True)
class Claim:
    id: str
    start: int
    end: int
    kind: str
    certainty: str
    topic_id: str
    lane: int


@dataclass
class Article:
    """Everything the template needs, computed once from the rows."""

    source: dict[str, Any]
    blocks: list[str]  # HTML of each heading and paragraph, in order
    claims: list[dict[str, Any]]  # claim details for the list and the panel, in reading order
    kinds: list[tuple[str, str, str, int]]  # (kind, label, colour, claims)
    certainties: list[tuple[str, str, str, int]]  # (certainty, glyph, line style, claims)
    topics: list[tuple[str, str]]
    actors: list[tuple[str, str]]
    lanes: int
    signals: int
    datasette: bool = False
    row_base: str = ""


def _lanes(claims: list[dict[str, Any]]) -> dict[str, int]:
    """The lowest lane free at each claim's start (claims by start, longest first)."""
    ends: list[int] = []
    lane_of = {}
    for claim in sorted(claims, key=lambda c: (c["char_start"], -c["char_end"], c["claim_id"])):
        for lane, end in enumerate(ends):
            if end <= claim["char_start"]:
                ends[lane] = claim["char_end"]
                break
        else:
            lane = len(ends)
            ends.append(claim["char_end"])
        lane_of[claim["claim_id"]] = lane
    return lane_of


def _marker(claim: Claim, statement: str) -> str:
    # The glyph is the stylesheet's (generated content, `.cm.q-<certainty>::before`): a reader who
    # copies a passage copies the author's words only, never the markers.
    label = f"Claim {claim.id}: {KIND_LABELS.get(claim.kind, claim.kind)}, {claim.certainty}. {statement}"
    return (
        f'<a class="cm k-{claim.kind} q-{claim.certainty}" id="{claim.id}" href="#{claim.id}" '
        f'data-claim="{claim.id}" aria-label="{escape(label)}"></a>'
    )


def _block_html(
    text: str,
    start: int,
    end: int,
    claims: list[Claim],
    signals: list[tuple[int, int, str]],
    statements: dict[str, str],
) -> str:
    inside = [c for c in claims if c.start < end and c.end > start]
    marks = [s for s in signals if s[0] < end and s[1] > start]
    cuts = {start, end}
    for claim in inside:
        cuts.update(p for p in (claim.start, claim.end) if start < p < end)
    for a, b, _ in marks:
        cuts.update(p for p in (a, b) if start < p < end)
    points = sorted(cuts)
    out = []
    for a, b in itertools.pairwise(points):
        for claim in inside:
            if claim.start == a:
                out.append(_marker(claim, statements[claim.id]))
        covering = sorted((c for c in inside if c.start <= a and c.end >= b), key=lambda c: c.lane)
        links = sorted({key for s, e, key in marks if s <= a and e >= b})
        piece = escape(text[a:b], quote=False)
        if links:
            piece = f'<span class="sig" data-links="{escape(" ".join(links))}">{piece}</span>'
        for claim in reversed(covering):
            piece = (
                f'<span class="c k-{claim.kind} q-{claim.certainty} l{min(claim.lane, 5)}" '
                f'data-claim="{claim.id}">{piece}</span>'
            )
        out.append(piece)
    return "".join(out)


def _has(rows: list[dict[str, Any]], column: str) -> bool:
    return any(column in row for row in rows[:1])


def link_key(link: dict[str, Any]) -> str:
    return f"{link['from_claim']}|{link['to_claim']}|{link['relation']}"


def build(
    text: str,
    source: dict[str, Any],
    sections: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    claim_actors: list[dict[str, Any]],
    actors: list[dict[str, Any]],
    topics: list[dict[str, Any]],
    links: list[dict[str, Any]],
    *,
    row_base: str | None = None,
) -> Article:
    """The article of one source from the rows of its tables. `row_base` (e.g. "/alliance")
    links each claim to its row page in Datasette; None for a standalone file."""
    source_id = source["source_id"]
    claims = sorted(
        (c for c in claims if c["source_id"] == source_id),
        key=lambda c: (c["char_start"], c["char_end"], c["claim_id"]),
    )
    ids = {c["claim_id"] for c in claims}
    links = sorted((link for link in links if link["from_claim"] in ids or link["to_claim"] in ids), key=link_key)
    lane_of = _lanes(claims)
    topic_label = {t["topic_id"]: t["label"] for t in topics}
    actor_name = {a["actor_id"]: a["name"] for a in actors}
    by_claim = defaultdict(list)
    for row in sorted(claim_actors, key=lambda r: (r["claim_id"], r["actor_id"])):
        if row["claim_id"] in ids:
            by_claim[row["claim_id"]].append(row)
    statements = {c["claim_id"]: c["statement"] for c in claims}
    section_label = {s["section_id"]: s.get("heading") or s["short_name"] for s in sections}

    explicit = _has(links, "signal_start")
    signals = [
        (link["signal_start"], link["signal_end"], link_key(link))
        for link in links
        if explicit and link.get("signal_start") is not None and link.get("signal_end") is not None
    ]
    outgoing, incoming = defaultdict(list), defaultdict(list)
    for link in links:
        entry = {
            "relation": link["relation"].replace("_", " "),
            "basis": link.get("basis"),
            "justification": link.get("justification"),
            "key": link_key(link),
            "signal": link.get("signal_quote"),
        }
        if link["to_claim"] in ids:
            outgoing[link["from_claim"]].append({**entry, "other": link["to_claim"]})
        if link["from_claim"] in ids:
            incoming[link["to_claim"]].append({**entry, "other": link["from_claim"]})

    spans = [
        Claim(
            c["claim_id"],
            c["char_start"],
            c["char_end"],
            c["kind"],
            c["certainty"],
            c["topic_id"],
            lane_of[c["claim_id"]],
        )
        for c in claims
    ]
    headings = {s["char_start"] for s in sections if s["source_id"] == source_id and s.get("heading")}
    first_section = min((s["char_start"] for s in sections if s["source_id"] == source_id), default=0)
    blocks = []
    for index, match in enumerate(BLOCK.finditer(text)):
        a, b = match.span()
        body = _block_html(text, a, b, spans, signals, statements)
        if a < first_section:
            tag = "h1" if index == 0 else 'p class="byline"'
        elif a in headings:
            tag = "h2"
        else:
            tag = "p"
        blocks.append(f"<{tag}>{body}</{tag.split()[0]}>")

    details = []
    for claim in claims:
        cid = claim["claim_id"]
        details.append(
            {
                "id": cid,
                "statement": claim["statement"],
                "quote": claim["quote"],
                "kind": claim["kind"],
                "kind_label": KIND_LABELS.get(claim["kind"], claim["kind"]),
                "certainty": claim["certainty"],
                "glyph": CERTAINTY_GLYPHS.get(claim["certainty"], "■"),
                "topic_id": claim["topic_id"],
                "topic": topic_label.get(claim["topic_id"], claim["topic_id"]),
                "section": section_label.get(claim["section_id"], claim["section_id"]),
                "actors": [
                    {"id": r["actor_id"], "name": actor_name.get(r["actor_id"], r["actor_id"]), "role": r["role"]}
                    for r in by_claim[cid]
                ],
                "outgoing": [{**e, "statement": statements.get(e["other"], "")} for e in outgoing[cid]],
                "incoming": [{**e, "statement": statements.get(e["other"], "")} for e in incoming[cid]],
            }
        )
    count = defaultdict(int)
    for claim in claims:
        count[claim["kind"]] += 1
        count["q:" + claim["certainty"]] += 1
    used_topics = sorted({c["topic_id"] for c in claims}, key=lambda t: (topic_label.get(t, t), t))
    used_actors = sorted(
        {r["actor_id"] for rows in by_claim.values() for r in rows}, key=lambda a: actor_name.get(a, a)
    )
    return Article(
        source=source,
        blocks=blocks,
        claims=details,
        kinds=[(k, KIND_LABELS[k], KIND_COLOURS[k], count[k]) for k in KIND_COLOURS if count[k]],
        certainties=[(q, CERTAINTY_GLYPHS[q], CERTAINTY_LINES[q], count["q:" + q]) for q in CERTAINTY_GLYPHS],
        topics=[(t, topic_label.get(t, t)) for t in used_topics],
        actors=[(a, actor_name.get(a, a)) for a in used_actors],
        lanes=max(lane_of.values(), default=0) + 1,
        signals=len(signals),
        datasette=row_base is not None,
        row_base=row_base or "",
    )


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(article: Article, nav: list[tuple[str, str]] | None = None, text_href: str | None = None) -> str:
    """The page's HTML; `nav` is (label, href) pairs shown above the article (Datasette's),
    `text_href` where the plain source text is (None: not linked)."""
    from markupsafe import Markup

    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            a=article,
            blocks=[Markup(block) for block in article.blocks],
            status=about.SOURCE_TEXT_STATUS,
            title=article.source["title"],
            nav=nav or [],
            text_href=text_href,
            kind_colours=KIND_COLOURS,
            certainty_lines=CERTAINTY_LINES,
            certainty_glyphs=CERTAINTY_GLYPHS,
        )
    )


def article_html(
    text: str,
    tables: dict[str, list[dict[str, Any]]],
    source_id: str,
    *,
    row_base: str | None = None,
    nav: list[tuple[str, str]] | None = None,
    text_href: str | None = None,
) -> str:
    """The article page of `source_id` from the rows of every table (name -> rows)."""
    source = next(s for s in tables["sources"] if s["source_id"] == source_id)
    article = build(
        text,
        source,
        tables["sections"],
        tables["claims"],
        tables["claim_actors"],
        tables["actors"],
        tables["topics"],
        tables["claim_links"],
        row_base=row_base,
    )
    return render(article, nav, text_href)
