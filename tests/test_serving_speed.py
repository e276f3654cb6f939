"""What keeps the served pages fast: a claim's row page and an article page ask their SQL thread once;
the pair counts are precomputed; a whole table's facets are counted once per server."""

from __future__ import annotations

import asyncio
import sqlite3
import types

import pytest
from datasette import hookimpl

import alliance_data
from alliance_data.reader.loading import database_path
from alliance_data.serving.reader import article_tables, claim_view
from alliance_data.serving.server import locate, make_datasette


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


# --- a whole table's facets, counted once per server ------------------------------------------


@pytest.fixture
def served(tmp_path):
    """Our server in-process, and the GROUP BY queries its database has run."""
    loop = asyncio.new_event_loop()
    datasette = make_datasette(locate(), tmp_path)
    loop.run_until_complete(datasette.invoke_startup())
    database = datasette.get_database("alliance")
    counted: list[str] = []
    run = database.execute

    async def execute(sql, *args, **kwargs):
        if "group by" in sql:
            counted.append(sql)
        return await run(sql, *args, **kwargs)

    database.execute = execute

    def get(path: str) -> dict:
        response = loop.run_until_complete(datasette.client.get(path))
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()

    yield get, counted, datasette
    loop.close()


def _counts(facet: dict) -> dict:
    return {item["value"]: item["count"] for item in facet["results"]}


def test_a_whole_tables_facet_is_counted_once_per_server(served):
    get, counted, _ = served
    claims = alliance_data.load("claims")
    first = get("/alliance/claims.json?_facet=time_frame&_size=0")["facet_results"]
    again = get("/alliance/claims.json?_facet=time_frame&_size=0")["facet_results"]
    assert first == again
    # One time_frame facet (Datasette's own column facet is replaced, not doubled), counting every claim.
    assert "time_frame" in first and "time_frame_2" not in first
    assert _counts(first["time_frame"]) == claims["time_frame"].value_counts().to_dict()
    assert sum("group by time_frame" in sql for sql in counted) == 1, counted
    # The default facets (kind, certainty, section, actor) too: a second page counts nothing again.
    assert {"kind", "certainty", "section_id", "actor"} <= set(first)
    assert len(counted) == 5, counted
    get("/alliance/claims.json?_size=0")
    assert len(counted) == 5, counted[5:]


def test_a_facet_of_filtered_rows_is_counted_on_every_request(served):
    get, counted, _ = served
    claims = alliance_data.load("claims")
    drivers = claims[claims["kind"] == "driver"]["time_frame"].value_counts()
    for _ in range(2):
        facets = get("/alliance/claims.json?kind=driver&_facet=time_frame&_size=0")["facet_results"]
        assert _counts(facets["time_frame"]) == drivers[drivers > 0].to_dict()
    assert sum("group by time_frame" in sql for sql in counted) == 2, counted


def test_remembered_facets_are_bounded(served, monkeypatch):
    from alliance_data.serving.reader import whole_table_facets

    get, counted, datasette = served
    monkeypatch.setattr(whole_table_facets, "MAX_REMEMBERED", 2)
    claims = alliance_data.load("claims")
    columns = ["time_frame", "topic_id", "source_id"]
    for _ in range(2):
        for column in columns:
            facets = get(f"/alliance/claims.json?_facet={column}&_size=0")["facet_results"]
            counts = claims[column].value_counts()
            assert facets[column]["results"] and all(
                item["count"] == counts[item["value"]] for item in facets[column]["results"]
            )
    assert len(whole_table_facets._MEMORIES[datasette]) == 2
    # Seven facets a request through two places: every request counts its column again.
    assert sum(f"group by {column} " in sql for sql in counted for column in columns) == 6, counted


def test_a_facet_with_long_values_is_not_remembered(served, monkeypatch):
    from alliance_data.serving.reader import whole_table_facets

    get, counted, _ = served
    monkeypatch.setattr(whole_table_facets, "MAX_REMEMBERED_CHARS", 10)
    for _ in range(2):
        assert get("/alliance/claims.json?_facet=time_frame&_size=0")["facet_results"]["time_frame"]["results"]
    assert sum("group by time_frame" in sql for sql in counted) == 2, counted


def test_a_mutable_databases_facets_are_counted_on_every_request(tmp_path):
    from datasette.app import Datasette

    from alliance_data.serving.plugins import register_all

    register_all()
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table things (id integer primary key, colour text)")
        connection.executemany("insert into things (colour) values (?)", [("red",), ("blue",), ("red",)])
    datasette = Datasette([str(path)], settings={"suggest_facets": False})
    database = datasette.get_database("other")
    assert database.is_mutable
    calls = []
    run = database.execute

    async def execute(sql, *args, **kwargs):
        calls.append(sql)
        return await run(sql, *args, **kwargs)

    database.execute = execute

    async def facets():
        response = await datasette.client.get("/other/things.json?_facet=colour&_size=0")
        return response.json()["facet_results"]["colour"]

    loop = asyncio.new_event_loop()
    try:
        counts = [_counts(loop.run_until_complete(facets())) for _ in range(2)]
        with sqlite3.connect(path) as connection:
            connection.execute("insert into things (colour) values ('blue')")
        counts.append(_counts(loop.run_until_complete(facets())))
    finally:
        loop.close()
    assert counts == [{"red": 2, "blue": 1}, {"red": 2, "blue": 1}, {"red": 2, "blue": 2}]
    assert sum("group by" in sql for sql in calls) == 3


def test_our_server_has_each_facet_type_once():
    from datasette.plugins import pm

    from alliance_data.serving.plugins import register_all

    register_all()
    types = [klass.type for classes in pm.hook.register_facet_classes() for klass in classes]
    assert sorted(types) == sorted(set(types)) and {"column", "date", "actor", "codebook"} <= set(types)


# --- the schema of the served database, read once ---------------------------------------------


def _tracer():
    """A plugin (a module, as Datasette lists plugins) that records every statement SQLite runs on
    the served database's connections."""
    plugin = types.ModuleType("test_trace")
    plugin.statements = []

    @hookimpl
    def prepare_connection(conn, database):
        if database == "alliance":
            conn.set_trace_callback(plugin.statements.append)

    plugin.prepare_connection = prepare_connection
    return plugin


@pytest.fixture
def traced(tmp_path):
    from datasette.plugins import pm

    tracer = _tracer()
    pm.register(tracer, name="test-trace")
    loop = asyncio.new_event_loop()
    try:
        datasette = make_datasette(locate(), tmp_path)
        loop.run_until_complete(datasette.invoke_startup())

        def get(path: str) -> list[str]:
            tracer.statements.clear()
            response = loop.run_until_complete(datasette.client.get(path))
            assert response.status_code == 200, (path, response.status_code)
            return list(tracer.statements)

        yield get, datasette
    finally:
        pm.unregister(name="test-trace")
        loop.close()


def _about_the_schema(statement: str) -> bool:
    # Not the settings each new connection is given (limits.prepare_connection).
    pragma = statement.lstrip().upper().startswith("PRAGMA") and "LIMIT" not in statement.upper()
    return "sqlite_master" in statement or pragma


@pytest.mark.parametrize("path", ["/alliance/claims", "/alliance/claims/irda-s3-004", "/alliance", "/"])
def test_pages_ask_sqlite_about_the_schema_once(traced, path):
    get, _ = traced
    first = get(path)
    again = get(path)
    assert any(_about_the_schema(statement) for statement in first), first
    assert not [statement for statement in again if _about_the_schema(statement)]
    # A page of rows still reads its rows (the index and the database page show only the schema).
    assert again or path in ("/", "/alliance")


def test_the_schema_answers_are_the_databases_and_stay_so(traced):
    from alliance_data.serving import schema

    _, datasette = traced
    database = datasette.get_database("alliance")
    loop = asyncio.get_event_loop_policy().new_event_loop()
    try:
        columns = loop.run_until_complete(database.table_columns("claims"))
        assert columns == list(alliance_data.load("claims").columns)
        columns.append("changed by a caller")
        assert loop.run_until_complete(database.table_columns("claims")) == list(alliance_data.load("claims").columns)
    finally:
        loop.close()
    assert len(database.schema_memory.answers) <= schema.MAX_REMEMBERED


def test_remembered_schema_answers_are_bounded(traced, monkeypatch):
    from alliance_data.serving import schema

    _, datasette = traced
    monkeypatch.setattr(schema, "MAX_REMEMBERED", 3)
    memory = datasette.get_database("alliance").schema_memory
    memory.answers.clear()
    loop = asyncio.new_event_loop()
    try:
        database = datasette.get_database("alliance")
        for name in ("t1", "t2", "t3", "t4", "t5"):
            assert loop.run_until_complete(database.table_exists(name)) is False
        # The least recently used go first: the newest answers are the ones kept.
        assert ("table_exists", ("t5",)) in memory.answers and ("table_exists", ("t1",)) not in memory.answers
        assert loop.run_until_complete(database.table_exists("claims")) is True
    finally:
        loop.close()
    assert len(memory.answers) == 3 and ("table_exists", ("claims",)) in memory.answers


def test_a_mutable_databases_schema_is_asked_every_time(tmp_path):
    from datasette.app import Datasette

    from alliance_data.serving.schema import remember_schema

    path = tmp_path / "other.db"
    sqlite3.connect(path).close()
    database = Datasette([str(path)]).get_database("other")
    remember_schema(database)
    assert "table_columns" not in vars(database) and not hasattr(database, "schema_memory")


def test_the_server_freezes_what_lives_as_long_as_it_once(traced):
    import gc

    from alliance_data.serving.limits import freeze_long_lived_objects

    frozen = gc.get_freeze_count()
    assert frozen > 0
    garbage = [[index] for index in range(1000)]
    freeze_long_lived_objects()
    assert gc.get_freeze_count() == frozen and garbage
