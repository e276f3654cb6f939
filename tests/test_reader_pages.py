"""The readers' pages in Datasette, in-process: the article and the source text, the claims
table and a claim's page for readers, the actor facet, ranked and highlighted search, canned
queries that link to the article, and the home page's three ways in."""

from __future__ import annotations

import asyncio
import json
import re
from html import escape as escape_html
from urllib.parse import urlencode

import pytest

import alliance_data
from alliance_data.serving import reader
from alliance_data.serving.reader.actor_facet import through
from alliance_data.serving.server import locate, make_datasette

CLAIMS = alliance_data.load("claims")
ACTORS = alliance_data.load("claim_actors")


def start(tmp_path_factory, name: str):
    loop = asyncio.new_event_loop()
    datasette = make_datasette(locate(), tmp_path_factory.mktemp(name))
    loop.run_until_complete(datasette.invoke_startup())
    return loop, datasette


@pytest.fixture(scope="module")
def get(tmp_path_factory):
    loop, datasette = start(tmp_path_factory, "reader")
    yield lambda path: loop.run_until_complete(datasette.client.get(path))
    loop.close()


def test_the_source_text_is_served_byte_for_byte(get):
    response = get("/-/source/irda.txt")
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == alliance_data.source_text("irda").encode("utf-8")
    assert get("/-/source/nope.txt").status_code == 404


def test_the_article_page_is_one_click_from_home_sources_and_every_claim(get):
    home = get("/").text
    assert 'href="/article"' in home and 'href="/alliance/claims"' in home and "Download a release" in home
    assert '<img src="/-/argument-map.svg"' in home
    assert get("/article").headers["location"] == "/article/irda"
    page = get("/article/irda")
    assert page.status_code == 200 and all(f'id="{c}"' in page.text for c in CLAIMS.claim_id)
    assert 'href="/article/irda"' in get("/alliance/sources/irda").text
    assert 'href="/article/irda#irda-s3-004"' in get("/alliance/claims/irda-s3-004").text
    assert get("/article/nope").status_code == 404


def test_an_article_with_too_many_claims_is_refused(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ARTICLE_CLAIMS", 10)
    loop, datasette = start(tmp_path_factory, "small")
    response = loop.run_until_complete(datasette.client.get("/article/irda"))
    loop.close()
    assert response.status_code == 413 and "Too many claims" in response.text


def test_the_claims_table_leads_with_what_readers_need(get):
    html = get("/alliance/claims").text
    headers = re.findall(r'<th class="col-([a-z_]+)"', html)
    assert headers[:5] == ["statement", "kind", "topic_id", "certainty", "actors"]
    assert {"prefix", "suffix", "char_start", "char_end", "claim_id"} <= set(headers[5:])
    first = CLAIMS.sort_values("claim_id").iloc[0]
    names = alliance_data.load("actors").set_index("actor_id").name
    expected = ", ".join(
        f"{names[a.actor_id]} ({a.role})"
        for a in ACTORS[ACTORS.claim_id == first.claim_id]
        .sort_values("actor_id", key=lambda s: s.map(names))
        .itertuples()
    )
    assert f'<td class="col-actors">{expected}</td>' in html
    # The column descriptions are folded, the first row close to the top.
    assert "<details><summary>What each column means</summary>" in html
    # (a proxy for the first screen: the page's head, folded descriptions and facets come first)
    assert html.index('<table class="rows-and-columns">') < 25_000


def test_filtering_and_faceting_claims_by_actor(get):
    expected = set(ACTORS.loc[ACTORS.actor_id == "USA", "claim_id"])
    url = "/alliance/claims.json?_shape=objects&_size=max&_through=" + through("USA")
    assert {row["claim_id"] for row in get(url).json()["rows"]} == expected
    facet = get("/alliance/claims.json?_size=0&_facet_actor=actor_id").json()["facet_results"]["actor"]
    counts = {item["value"]: item["count"] for item in facet["results"]}
    assert counts["USA"] == len(expected) and counts["IRN"] == ACTORS.actor_id.eq("IRN").sum()
    usa = next(item for item in facet["results"] if item["value"] == "USA")
    assert usa["label"] == "United States" and "_through=" in usa["toggle_url"]


def test_search_ranks_by_relevance_and_highlights(get):
    rows = get("/alliance/search_claims.json?q=sanctions&_shape=objects").json()["rows"]
    assert 5 <= len(rows) <= 50
    assert all("\ue000" in row["match"] for row in rows)
    html = get("/alliance/search_claims?q=sanctions").text
    assert "<mark>sanctions</mark>" in html or "<mark>Sanctions</mark>" in html
    # Words that are FTS syntax are searched as words, not an error.
    assert get('/alliance/search_claims.json?q=NEAR("&_shape=objects').status_code == 200


def test_canned_queries_link_claims_to_the_article_and_offer_choices(get):
    html = get("/alliance/claims_by_actor?actor_id=SOVIET_UNION").text
    for claim_id in ACTORS.loc[ACTORS.actor_id == "SOVIET_UNION", "claim_id"]:
        assert f'href="/article/irda#{claim_id}"' in html
    choices = json.loads(re.search(r"var choices = (\{.*?\});", html).group(1))
    assert ["SOVIET_UNION", "Soviet Union (SOVIET_UNION)"] in choices["actor_id"]
    assert len(choices["topic_id"]) == len(alliance_data.load("topics"))
    assert "--" not in get("/alliance/drivers_with_evidence.json").json()["query"]["sql"]  # no SQL hints
    leads = get("/alliance/drivers_with_evidence.json?_shape=objects").json()["rows"]
    statements = set(CLAIMS.statement)
    assert any(row["leads_to"] and row["leads_to"].split(": ", 1)[1].split(" · ")[0] in statements for row in leads)


def test_a_claims_row_page_reads_like_a_page(get):
    html = get("/alliance/claims/irda-s3-004").text
    claim = CLAIMS.set_index("claim_id").loc["irda-s3-004"]
    topic = alliance_data.load("topics").set_index("topic_id").loc[claim.topic_id, "label"]
    assert claim.statement in html and f">{topic}</a>" in html
    assert ">Iran</a> (subject)" in html and ">Russia</a> (subject)" in html
    links = alliance_data.load("claim_links")
    for other in links.loc[links.from_claim == "irda-s3-004", "to_claim"]:
        assert CLAIMS.set_index("claim_id").loc[other, "statement"] in html


def test_the_claims_tables_search_box_goes_to_the_ranked_highlighted_search(get):
    response = get("/alliance/claims?_search=western+sanctions")
    assert response.status_code == 302
    assert response.headers["location"] == "/alliance/search_claims?q=western+sanctions"
    # With a filter chosen, the table's own search keeps it; the API is unchanged.
    assert get("/alliance/claims?_search=sanctions&kind=driver").status_code == 200
    assert get("/alliance/claims.json?_search=sanctions").status_code == 200


def test_the_search_index_joins_the_claims_as_the_claims_page_says(get):
    from alliance_data.serving.metadata import FTS_JOIN_EXAMPLE, SEARCH_HINT

    assert escape_html(FTS_JOIN_EXAMPLE) in SEARCH_HINT
    response = get("/alliance.json?" + urlencode({"sql": FTS_JOIN_EXAMPLE, "_shape": "objects"}))
    rows = response.json()["rows"]
    by_id = CLAIMS.set_index("claim_id")
    found = [(by_id.loc[row["claim_id"], "statement"] + by_id.loc[row["claim_id"], "quote"]).lower() for row in rows]
    assert found and all("sanction" in text for text in found)


def test_claim_rows_show_the_source_id_not_the_articles_title_again(get):
    html = get("/alliance/claims?_size=20").text
    title = alliance_data.load("sources").title.iloc[0]
    rows_html = html[html.index("<tbody>") : html.index("</tbody>")]
    assert title not in rows_html
    assert rows_html.count('<a href="/alliance/sources/irda">irda</a>') == 20


def test_the_home_page_lists_the_claims_first_and_no_hidden_tables(get):
    html = get("/").text
    table_list = html[html.index('<ul class="table-list">') :]
    listed = re.findall(r'<li><a href="/alliance/(\w+)"><strong>', table_list[: table_list.index("</ul>")])
    from alliance_data.codebook.registry import TABLES

    assert listed[0] == "claims" and sorted(listed) == sorted(table.name for table in TABLES)
    assert "hidden table" not in html


def test_canned_queries_show_only_the_relations_their_titles_promise(get):
    from alliance_data.codebook.vocabulary import LEADS_TO, LinkRelation

    leads_to = {relation.value.replace("_", " ") for relation in LEADS_TO}
    rows = get("/alliance/what_follows_from_a_topic.json?topic_id=driver-shared-pressure&_shape=objects").json()
    assert rows["rows"] and {row["relation"] for row in rows["rows"]} <= leads_to
    assert not {"cause", "consequence"} & set(rows["rows"][0])
    drivers = get("/alliance/drivers_with_evidence.json?_shape=objects&page=1").json()["rows"]
    said = " · ".join(row["leads_to"] or "" for row in drivers)
    assert "drives: " in said
    for other in set(LinkRelation) - set(LEADS_TO):
        assert f"{other.value.replace('_', ' ')}: " not in said
    # Each page says what each relation it shows means.
    for name in ("what_follows_from_a_topic", "drivers_with_evidence"):
        page = get(f"/alliance/{name}").text
        for relation in LEADS_TO:
            assert escape_html(relation.description[1:].rstrip(".")) in page, (name, relation)


# The claims table's rows are built in Python (reader/__init__.py); they must read as the
# template loop they replace would have rendered them, escaping included.
_ROWS_TEMPLATE = (
    "{% for row in rows %}<tr>{% for cell in row.cells %}"
    '<td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}">{{ cell.value }}</td>'
    '{% if cell.column == "certainty" %}<td class="col-actors">{{ row.actors }}</td>{% endif %}'
    "{% endfor %}</tr>\n{% endfor %}"
)


def test_the_claims_table_rows_read_as_the_template_rendered_them():
    import jinja2
    from datasette.utils import to_css_class
    from markupsafe import Markup

    from alliance_data.serving.reader import _table_body

    values = ["<script>alert(1)</script>", Markup("<a href='/x'>x</a>"), 'a "b" & c', None, 3]
    columns = ["claim_id", "certainty", "statement", "my column", "char_start"]
    rows = [
        {
            "cells": [
                {"column": column, "value": values[(i + j) % len(values)], "value_type": f"t<{j}>"}
                for j, column in enumerate(columns)
            ],
            "actors": f"Iran (<subject>) {i}",
        }
        for i in range(4)
    ]
    environment = jinja2.Environment(autoescape=True)
    environment.filters["to_css_class"] = to_css_class
    expected = environment.from_string(_ROWS_TEMPLATE).render(rows=rows).rstrip("\n")
    body = _table_body(rows, {name: f"col-{to_css_class(name)}" for name in columns})
    assert isinstance(body, Markup) and str(body) == expected
    assert "<script>" not in body and "&lt;script&gt;" in body and "<a href='/x'>x</a>" in body
