"""The server on Datasette 1.0 (the newest alpha, in its own virtual environment made here) as
well as on 0.65 (the pinned one): canned queries and table options reach 1.0 through its
configuration, and the readers' pages answer on both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_data.serving.compat import split_for
from alliance_data.serving.metadata import QUERIES, metadata
from conftest import ROOT

VENV = ROOT / ".venv-datasette1"
# Used when the package index cannot be asked for the newest alpha.
KNOWN_ALPHA = "1.0a41"
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


def newest_alpha(pip: Path) -> str:
    result = subprocess.run(
        [str(pip), "index", "versions", "--pre", "datasette"], capture_output=True, text=True, timeout=120
    )
    found = re.findall(r"\b(1\.0a\d+)\b", result.stdout)
    return max(found, key=lambda v: int(v.split("a")[1])) if found else KNOWN_ALPHA


@pytest.fixture(scope="session")
def datasette_1() -> Path:
    """A virtual environment with the newest Datasette 1.0 alpha and this package (--no-deps)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
    pip = VENV / "bin" / "pip"
    wanted = newest_alpha(pip)
    have = subprocess.run(
        [str(python), "-c", "import datasette; print(datasette.__version__)"], capture_output=True, text=True
    )
    if have.stdout.strip() != wanted:
        subprocess.run(
            [str(pip), "install", "-q", f"datasette=={wanted}"], check=True, timeout=600, capture_output=True
        )
    subprocess.run(
        [str(pip), "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    return python


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
    assert found["version"].startswith("1.0a")
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
