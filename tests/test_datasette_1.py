"""The server on Datasette 1.0 (the alpha pinned in requirements-datasette1.lock, in its own virtual
environment, which scripts/test makes) as well as on 0.65 (the pinned one): canned queries and
table options reach 1.0 through its configuration, and the readers' pages answer on both."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from alliance_data.serving.compat import split_for
from alliance_data.serving.metadata import QUERIES, metadata
from conftest import ROOT, missing_tool

VENV = ROOT / ".venv-datasette1"
LOCK = ROOT / "requirements-datasette1.lock"
PINNED = re.search(r"^datasette==(\S+)$", LOCK.read_text(encoding="utf-8"), re.MULTILINE).group(1)
PAGES = [
    "/",
    "/article/irda",
    "/-/source/irda.txt",
    "/argument-map",
    "/alliance/claims",
    "/alliance/claims/irda-s3-004",
    "/alliance/sources/irda",
    "/alliance/search_claims?q=sanctions",
    "/alliance/claims_by_actor?actor_id=IRN",
    "/alliance/claims.json?_size=0&_facet_actor=actor_id",
]
CHECK = """
import asyncio, json, sys, tempfile
from pathlib import Path
import datasette
from alliance_data.serving.server import locate, make_datasette
loop = asyncio.new_event_loop()
ds = make_datasette(locate(), Path(tempfile.mkdtemp()))
loop.run_until_complete(ds.invoke_startup())
status = {path: loop.run_until_complete(ds.client.get(path)).status_code for path in json.loads(sys.argv[1])}
# 1.0 lists the first few queries on the database page; every one answers at its own path.
queries = [{"name": name} for name in json.loads(sys.argv[2])
           if loop.run_until_complete(ds.client.get(f"/alliance/{name}.json")).status_code == 200]
facets = loop.run_until_complete(ds.client.get("/alliance/claims.json?_size=0&_extra=facet_results")).json()
facets = facets.get("facet_results", {})
print(json.dumps({"version": datasette.__version__, "status": status, "queries": sorted(q["name"] for q in queries),
                  "facets": sorted(facets.get("results", facets))}))
"""


@pytest.fixture(scope="session")
def datasette_1() -> Path:
    """The Python of the Datasette 1.0 environment scripts/test makes from requirements-datasette1.lock
    (this package installed in it, editable, so it serves the code under test)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        missing_tool(f"{VENV.name} is missing: bash scripts/test makes it from requirements-datasette1.lock")
    return python


@pytest.mark.slow
def test_the_readers_pages_and_canned_queries_on_datasette_1(datasette_1):
    result = subprocess.run(
        [str(datasette_1), "-c", CHECK, json.dumps(PAGES), json.dumps(sorted(QUERIES))],
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["version"] == PINNED and PINNED.startswith("1.0a")
    assert found["status"] == {path: 200 for path in PAGES}
    assert found["queries"] == sorted(QUERIES)
    assert "kind" in found["facets"] and "actor" in found["facets"]


def test_queries_and_table_options_move_to_configuration_on_1_only():
    described = metadata(row_counts={"claims": 205})
    same, nothing = split_for(described, major=0)
    assert same == described and nothing == {}
    kept, config = split_for(described, major=1)
    assert config["databases"]["alliance"]["queries"] == described["databases"]["alliance"]["queries"]
    assert "queries" not in kept["databases"]["alliance"]
    claims = config["databases"]["alliance"]["tables"]["claims"]
    assert claims["facets"] == described["databases"]["alliance"]["tables"]["claims"]["facets"]
    assert claims["label_column"] == "statement"
    assert "facets" not in kept["databases"]["alliance"]["tables"]["claims"]
    assert kept["databases"]["alliance"]["tables"]["claims"]["description_html"]
