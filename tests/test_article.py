"""The article page: every claim over its exact span, overlaps on separate lanes, headings and
paragraphs as the article has them, the same bytes for the same rows; the links' basis and
signals shown when the data has those columns, and nothing broken when it has not."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from html import unescape

import pytest

import alliance_data
from alliance_data.release.sources import ARTICLE_TABLES
from alliance_data.rendering.article import article_html, build, link_key
from alliance_data.rendering.figures import _records

TEXT = "Title\n\nby Someone\n\nHeading One\n\nAlpha beta gamma delta. Epsilon zeta."
SOURCE = {"source_id": "tx", "title": "Title", "language": "en", "note": None}
SECTIONS = [
    {
        "section_id": "tx-s1",
        "source_id": "tx",
        "heading": "Heading One",
        "short_name": "One",
        "char_start": TEXT.index("Heading"),
    }
]


def claim(claim_id: str, quote: str, kind="driver", certainty="asserted", topic="t1") -> dict:
    start = TEXT.index(quote)
    return {
        "claim_id": claim_id,
        "source_id": "tx",
        "section_id": "tx-s1",
        "kind": kind,
        "topic_id": topic,
        "certainty": certainty,
        "statement": f"Statement of {claim_id}.",
        "quote": quote,
        "char_start": start,
        "char_end": start + len(quote),
    }


CLAIMS = [
    claim("tx-s1-001", "Alpha beta gamma"),
    claim("tx-s1-002", "gamma delta", kind="risk", certainty="possible"),
    claim("tx-s1-003", "Epsilon zeta", kind="outlook", certainty="likely"),
]
ACTORS = [{"actor_id": "IRN", "name": "Iran"}]
CLAIM_ACTORS = [{"claim_id": "tx-s1-001", "actor_id": "IRN", "role": "subject"}]
TOPICS = [{"topic_id": "t1", "label": "Topic one"}]
LINK = {"from_claim": "tx-s1-001", "to_claim": "tx-s1-003", "relation": "drives", "justification": "Because so."}


def tables(links: list[dict]) -> dict[str, list[dict]]:
    return {
        "sources": [SOURCE],
        "sections": SECTIONS,
        "claims": CLAIMS,
        "claim_actors": CLAIM_ACTORS,
        "actors": ACTORS,
        "topics": TOPICS,
        "claim_links": links,
    }


def highlighted(html: str) -> dict[str, str]:
    """Each claim's highlighted text: the text of its segments in order (tags removed)."""
    found: dict[str, str] = {}
    for match in re.finditer(r'<span class="c [^"]*" data-claim="([^"]+)">', html):
        depth, position, out = 1, match.end(), []
        while depth:
            tag = re.compile(r"<(/?)span\b[^>]*>").search(html, position)
            out.append(html[position : tag.start()])
            depth += -1 if tag.group(1) else 1
            position = tag.end()
        found[match.group(1)] = found.get(match.group(1), "") + unescape("".join(out))
    return found


def test_every_claim_over_its_exact_span_and_overlaps_on_their_own_lanes():
    html = article_html(TEXT, tables([LINK]), "tx")
    assert highlighted(html) == {c["claim_id"]: c["quote"] for c in CLAIMS}
    # "gamma" is in two claims: one segment, both claims, on lanes 0 and 1.
    assert re.search(
        r'class="c k-driver q-asserted l0" data-claim="tx-s1-001"><span class="c k-risk q-possible l1" '
        r'data-claim="tx-s1-002">gamma</span>',
        html,
    )
    article = build(TEXT, SOURCE, SECTIONS, CLAIMS, CLAIM_ACTORS, ACTORS, TOPICS, [LINK])
    assert article.lanes == 2


def test_headings_paragraphs_markers_and_legend():
    html = article_html(TEXT, tables([]), "tx")
    assert "<h1>Title</h1>" in html and '<p class="byline">by Someone</p>' in html
    assert "<h2>Heading One</h2>" in html
    for c in CLAIMS:
        marker = re.search(rf'<a class="cm k-{c["kind"]} q-{c["certainty"]}" id="{c["claim_id"]}"', html)
        assert marker, c["claim_id"]
    assert "◑" in html and "◕" in html  # certainty as a symbol, not colour alone
    assert "Risk" in html and "Outlook" in html and "Driver" in html


def test_the_same_rows_give_the_same_bytes():
    assert article_html(TEXT, tables([LINK]), "tx") == article_html(TEXT, tables([dict(LINK)]), "tx")


def test_links_with_basis_and_signal_when_the_columns_exist():
    signal = "Epsilon"
    start = TEXT.index(signal)
    explicit = {**LINK, "basis": "explicit", "signal_quote": signal, "signal_start": start, "signal_end": start + 7}
    html = article_html(TEXT, tables([explicit]), "tx")
    assert f'<span class="sig" data-links="{link_key(explicit)}">Epsilon</span>' in html
    assert "(explicit: “Epsilon”)" in html
    assert 'id="f-signals">' in html and "(none recorded)" not in html
    plain = article_html(TEXT, tables([LINK]), "tx")
    assert 'class="sig"' not in plain and "(explicit" not in plain and "(none recorded)" in plain


def test_the_real_article_shows_every_claim():
    rows = {name: _records(alliance_data.load(name)) for name in ARTICLE_TABLES}
    html = article_html(alliance_data.source_text("irda"), rows, "irda")
    found = highlighted(html)
    assert found == {c["claim_id"]: c["quote"] for c in rows["claims"]}
    assert html.count("<h2>") == sum(1 for s in rows["sections"] if s["heading"])


@pytest.fixture(scope="module")
def linked_server(tmp_path_factory):
    """The server on a copy of the database whose claim_links has basis and signal columns."""
    from alliance_data.reader.loading import database_path
    from alliance_data.serving.server import ServedDatabase, make_datasette

    directory = tmp_path_factory.mktemp("linked")
    copy = directory / "alliance.db"
    shutil.copy(database_path(), copy)
    text = alliance_data.source_text("irda")
    db = sqlite3.connect(copy)
    present = {row[1] for row in db.execute("pragma table_info(claim_links)")}
    for column in ("basis text", "signal_quote text", "signal_start integer", "signal_end integer"):
        if column.split()[0] not in present:  # the data of 1.x had no basis or signals
            db.execute(f"alter table claim_links add column {column}")
    db.execute("update claim_links set basis = 'implicit'")
    link = db.execute("select from_claim, to_claim, relation from claim_links order by 1, 2, 3 limit 1").fetchone()
    (start,) = db.execute("select char_start from claims where claim_id = ?", [link[0]]).fetchone()
    db.execute(
        "update claim_links set basis = 'explicit', signal_quote = ?, signal_start = ?, signal_end = ? "
        "where from_claim = ? and to_claim = ? and relation = ?",
        [text[start : start + 4], start, start + 4, *link],
    )
    db.commit()
    db.close()
    loop = asyncio.new_event_loop()
    datasette = make_datasette(ServedDatabase(copy, None), directory / "config")
    loop.run_until_complete(datasette.invoke_startup())
    yield (lambda path: loop.run_until_complete(datasette.client.get(path))), link, text[start : start + 4]
    loop.close()


def test_the_served_article_and_row_page_show_basis_and_signals(linked_server):
    get, link, signal = linked_server
    page = get("/article/irda")
    assert page.status_code == 200
    assert f'<span class="sig" data-links="{link[0]}|{link[1]}|{link[2]}">' in page.text
    row = get(f"/alliance/claims/{link[0]}").text
    assert f"(explicit: “{signal}”)" in row
    assert (
        "(implicit)" in get(f"/alliance/claims/{link[1]}").text
        or "(explicit" in get(f"/alliance/claims/{link[1]}").text
    )
