"""What keeps the served pages fast: a claim's row page and an article page ask their SQL thread once;
the pair counts are precomputed."""

from __future__ import annotations

import asyncio
import sqlite3

from alliance_data.reader.loading import database_path
from alliance_data.serving.reader import article_tables, claim_view


class _Database:
    """A served database that counts the calls to its SQL thread."""

    def __init__(self):
        self.calls = 0

    async def execute_fn(self, fn):
        self.calls += 1
        connection = sqlite3.connect(f"file:{database_path()}?mode=ro", uri=True)
        try:
            return fn(connection)
        finally:
            connection.close()

    async def execute(self, *args, **kwargs):
        raise AssertionError("a query outside the row page's one call")


class _Datasette:
    def __init__(self):
        self.database = _Database()

    def get_database(self, name):
        return self.database


def test_a_claims_row_page_runs_its_queries_in_one_call_to_the_sql_thread():
    datasette = _Datasette()
    claim = asyncio.run(claim_view(datasette, "irda-s3-004"))
    assert datasette.database.calls == 1
    assert claim["claim_id"] == "irda-s3-004" and claim["topic_label"] and claim["section_heading"]
    assert claim["actors"] and all(actor["claim_id"] == "irda-s3-004" for actor in claim["actors"])
    assert claim["outgoing"] or claim["incoming"]
    assert claim["article_url"] == "/article/irda#irda-s3-004"


def test_an_article_page_reads_its_rows_in_one_call_to_the_sql_thread():
    datasette = _Datasette()
    tables = asyncio.run(article_tables(datasette, "irda"))
    assert datasette.database.calls == 1
    assert tables["sources"][0]["source_id"] == "irda"
    assert tables["claims"] and all(claim["source_id"] == "irda" for claim in tables["claims"])
    assert tables["claim_actors"] and tables["claim_links"] and tables["actors"] and tables["topics"]


def test_a_missing_claim_is_none():
    assert asyncio.run(claim_view(_Datasette(), "irda-s9-999")) is None


def test_the_pair_counts_are_precomputed_and_the_canned_query_reads_them():
    from alliance_data.serving.metadata import QUERIES, metadata

    connection = sqlite3.connect(f"file:{database_path()}?mode=ro", uri=True)
    try:
        counted = connection.execute(QUERIES["actor_pair_counts"]["sql"]).fetchall()
        served = metadata(row_counts={"claims": 1, "dyad_counts": 1})["databases"]["alliance"]["queries"]
        sql = served["actor_pair_counts"]["sql"]
        plan = " | ".join(row[3] for row in connection.execute("explain query plan " + sql))
        assert "actor_pairs" not in sql and "dyad_counts" in plan
        assert "TEMP B-TREE" not in plan, plan  # read in the index's order, nothing counted or sorted
        assert connection.execute(sql).fetchall() == counted
    finally:
        connection.close()
    # A database without them (a release before 3.0.0) keeps the query that counts.
    assert metadata(row_counts={"claims": 1})["databases"]["alliance"]["queries"] == QUERIES
