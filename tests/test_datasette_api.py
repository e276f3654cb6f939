"""Datasette's JSON API, in-process with its own client: tables, facets, search and canned
queries return what the data says."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

import alliance_data
from alliance_data.codebook.registry import TABLES
from alliance_data.serving.metadata import DEFAULT_FACETS, PAGE_SIZE, QUERIES
from alliance_data.serving.server import locate, make_datasette


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    loop = asyncio.new_event_loop()
    datasette = make_datasette(locate(), tmp_path_factory.mktemp("serve"))
    loop.run_until_complete(datasette.invoke_startup())

    def get(path: str):
        response = loop.run_until_complete(datasette.client.get(path))
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    yield get
    loop.close()


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_table_has_all_its_rows(client, table):
    data = client(f"/alliance/{table.name}.json?_size=max&_shape=objects").json()
    frame = alliance_data.load(table.name)
    assert data["filtered_table_rows_count"] == len(frame)
    assert [row[table.primary_key[0]] for row in data["rows"]][:5] or frame.empty


def test_claims_default_facets_count_what_the_data_says(client):
    data = client("/alliance/claims.json?_size=0").json()
    facets = data["facet_results"]
    # A facet of another type is configured as {type: column}: the actor facet is named by its type,
    # a codebook facet by its column.
    configured = [f if isinstance(f, str) else next(iter(f.items())) for f in DEFAULT_FACETS["claims"]]
    assert set(facets) == {f if isinstance(f, str) else (f[0] if f[0] == "actor" else f[1]) for f in configured}
    claims = alliance_data.load("claims")
    by_kind = {item["value"]: item["count"] for item in facets["kind"]["results"]}
    assert by_kind == claims["kind"].value_counts().loc[lambda s: s > 0].to_dict()
    assert not any(facet.get("timed_out") for facet in facets.values())


def test_full_text_search_finds_sanctions(client):
    rows = client("/alliance/claims.json?_search=sanctions&_shape=objects&_size=max").json()["rows"]
    assert len(rows) >= 5
    assert all("sanction" in (row["statement"] + row["quote"]).lower() for row in rows)


def test_claims_by_actor_returns_exactly_that_actors_claims(client):
    rows = client("/alliance/claims_by_actor.json?actor_id=SOVIET_UNION&_shape=objects").json()["rows"]
    claim_actors = alliance_data.load("claim_actors")
    expected = set(claim_actors.loc[claim_actors.actor_id == "SOVIET_UNION", "claim_id"])
    assert {row["claim_id"] for row in rows} == expected and expected


def test_drivers_with_evidence_lists_every_driver(client):
    rows = client("/alliance/drivers_with_evidence.json?_shape=objects").json()["rows"]
    claims = alliance_data.load("claims")
    assert sorted(row["claim_id"] for row in rows) == sorted(claims.loc[claims.kind == "driver", "claim_id"])
    assert all(row["evidence"] for row in rows)


def test_outlook_and_risks_covers_every_outlook(client):
    rows = client("/alliance/outlook_and_risks.json?_shape=objects&_size=max").json()["rows"]
    claims = alliance_data.load("claims")
    assert {row["outlook_id"] for row in rows} == set(claims.loc[claims.kind == "outlook", "claim_id"])
    assert any(row["risk_id"] for row in rows)


def test_actor_pair_counts_match_the_actor_pairs_table(client):
    rows = client("/alliance/actor_pair_counts.json?_shape=objects").json()["rows"]
    counts = alliance_data.load("actor_pairs").dyad.value_counts()
    assert rows[0]["dyad"] == "IRN-RUS" and rows[0]["claims"] == counts["IRN-RUS"]
    assert {row["dyad"]: row["claims"] for row in rows} == counts.to_dict()


def test_claims_in_reading_order(client):
    rows, page, batch = [], 1, None
    while batch is None or len(batch) == PAGE_SIZE:
        batch = client(f"/alliance/claims_in_reading_order.json?_shape=objects&page={page}").json()["rows"]
        assert len(batch) <= PAGE_SIZE
        rows, page = rows + batch, page + 1
    assert [row["claim_id"] for row in rows] == list(
        alliance_data.load("claims").sort_values(["source_id", "char_start", "char_end"]).claim_id
    )
    assert [row["section"] for row in rows] == sorted(row["section"] for row in rows)


def test_what_follows_from_sanctions_pressure(client):
    rows = client("/alliance/what_follows_from_a_topic.json?topic_id=driver-shared-pressure&_shape=objects").json()[
        "rows"
    ]
    assert rows and {"area", "implication", "outlook"} & {row["kind"] for row in rows}


def test_every_canned_query_is_served(client):
    names = {query["name"] for query in client("/alliance.json").json()["queries"]}
    assert names == set(QUERIES)


def test_metadata_documents_every_column_folded(client):
    metadata = client("/-/metadata.json").json()
    tables = metadata["databases"]["alliance"]["tables"]
    for table in TABLES:
        described = tables[table.name]["description_html"]
        assert "<details><summary>What each column means</summary>" in described
        for column in table.columns:
            assert f"<dt>{column.name}</dt><dd>{html.escape(column.description)}</dd>" in described


def test_foreign_keys_show_labels(client):
    row = client("/alliance/claims.json?_labels=on&_size=1&_shape=objects").json()["rows"][0]
    topics = alliance_data.load("topics").set_index("topic_id")
    assert row["topic_id"]["label"] == topics.loc[row["topic_id"]["value"], "label"]


def test_home_page_says_what_it_is_and_how_to_cite(client):
    html = client("/").text
    assert "Claims are the author" in html and "Cite:" in html and alliance_data.__version__ in html


def test_table_pages_link_to_the_whole_table(client):
    html = client("/alliance/claims").text
    assert 'href="/files/claims.parquet"' in html
    assert client("/files/claims.parquet").content[:4] == b"PAR1"


def test_the_argument_map_page_links_every_node(client):
    html = client("/argument-map").text
    assert "<svg" in html and "The argument of the article" in html
    topics_used = set(alliance_data.load("claims").topic_id)
    linked = set(re.findall(r'href="/alliance/topics/([a-z0-9-]+)"', html))
    assert linked and linked <= topics_used
    assert 'href="/alliance/claims/irda-' in html
    assert 'href="/argument-map"' in client("/").text


def test_default_facets_only_on_tables_small_enough_to_facet_on_every_page():
    from alliance_data.serving.metadata import DEFAULT_FACETS_MAX_ROWS, metadata

    small = metadata(row_counts={"claims": 205})["databases"]["alliance"]["tables"]
    large = metadata(row_counts={"claims": DEFAULT_FACETS_MAX_ROWS + 1})["databases"]["alliance"]["tables"]
    assert small["claims"]["facets"] == DEFAULT_FACETS["claims"]
    assert "facets" not in large["claims"]
    assert large["claim_actors"]["facets"] == DEFAULT_FACETS["claim_actors"]


def test_claim_lists_stream_in_reading_order_from_an_index():
    """The canned lists of claims walk an index in reading order: no sort of every match."""
    import sqlite3

    from alliance_data.reader.loading import database_path
    from alliance_data.serving.reader import prepare_connection

    db = sqlite3.connect(f"file:{database_path()}?mode=ro", uri=True)
    prepare_connection(db, "alliance")  # the search query's fts_terms()
    params = {"actor_id": "IRN", "topic_id": "driver-shared-pressure", "q": "sanctions", "page": ""}
    # Without statistics (the build runs no ANALYZE) SQLite plans by the schema alone, so these
    # plans are the ones it makes for a million claims too.
    plans = {
        name: " | ".join(row[3] for row in db.execute("explain query plan " + query["sql"], params))
        for name, query in QUERIES.items()
    }
    for name in ("claims_by_actor", "drivers_with_evidence", "claims_in_reading_order"):
        assert "TEMP B-TREE" not in plans[name], (name, plans[name])
    for name, plan in plans.items():
        if name == "actor_pair_counts":  # counts every pair: one pass over a covering index
            assert "SCAN actor_pairs USING COVERING INDEX" in plan, plan
            continue
        # At most the rows of one claim are sorted, and every table is read along an index.
        assert "TEMP B-TREE FOR ORDER BY" not in plan, (name, plan)
        steps = [step for step in plan.split(" | ") if step.startswith(("SCAN", "SEARCH"))]
        assert all("USING" in step or "VIRTUAL TABLE INDEX" in step for step in steps), (name, plan)
    # A risk is looked up by the outlook it endangers, not found among every risk link.
    assert "claim_links_to_claim (to_claim=?)" in plans["outlook_and_risks"], plans["outlook_and_risks"]
    rows = db.execute(QUERIES["claims_in_reading_order"]["sql"], {"page": "2"}).fetchall()
    claims = alliance_data.load("claims").sort_values(["source_id", "char_start", "char_end"])
    assert [row[2] for row in rows] == list(claims["claim_id"])[PAGE_SIZE : 2 * PAGE_SIZE]


def test_vocabulary_facets_keep_the_codebook_order_not_counts(client):
    from alliance_data.codebook.vocabulary import Certainty, Kind

    facets = client("/alliance/claims.json?_size=0").json()["facet_results"]
    claims = alliance_data.load("claims")
    for name, levels in (("certainty", Certainty.values()), ("kind", Kind.values())):
        present = [level for level in levels if (claims[name] == level).any()]
        assert [item["value"] for item in facets[name]["results"]] == present, name
    # Counts alone would order certainty otherwise (asserted 151, possible 39, likely 16): the test can fail.
    counts = claims.certainty.value_counts()
    assert list(counts.index) != [level for level in Certainty.values() if level in counts.index]
