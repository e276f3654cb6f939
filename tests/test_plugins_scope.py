"""Our Datasette plugins run only where we serve the dataset.

With this package installed, a plain `datasette` on an unrelated database must answer exactly as
the same Datasette in an environment without the package (`.venv-plain`, made by scripts/test
from requirements.lock): same plugins, pages, headers, status codes and error pages.
"""

from __future__ import annotations

import http.client
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, free_port, missing_tool

PLAIN_PYTHON = ROOT / ".venv-plain" / "bin" / "python"

# Every kind of page a plain Datasette serves, and the addresses our plugins answered.
PATHS = [
    "/",
    "/other",
    "/other/things",
    "/other/things/1",
    "/other/things.json?_shape=objects",
    "/other?sql=select+name+from+things",
    "/other.json?sql=select+name+from+things",
    "/-/plugins.json",
    "/-/databases",
    "/-/databases.json",
    "/-/metadata.json",
    "/-/settings.json",
    # Error pages: missing (404), a bad query (400), a bad parameter (500 on plain 0.65).
    "/no-such-page",
    "/other/no_such_table",
    "/other/things/999",
    "/other?sql=select+nonsense+from",
    "/other.json?sql=select+nonsense+from",
    "/other/things?_sort=no_such_column",
    "/other/things.json?_through=x",
    # Our readers' pages and their stylesheet, and our guard's territory.
    "/article/irda",
    "/article",
    "/argument-map",
    "/-/argument-map.svg",
    "/-/alliance-reader.css",
    "/-/source/irda.txt",
    "/other/things.csv?sql=select+nonsense",
    "/other.csv?sql=select+nonsense+from",
    "/-/static/../../etc/passwd",
]

# Only what differs between any two runs of one server: the time a query took, the date.
TIMINGS = re.compile(rb'("query_ms": |took )[0-9.]+(ms)?')
VOLATILE_HEADERS = {"date", "content-length"}


@pytest.fixture(scope="module")
def other_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("other") / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table things (id integer primary key, name text)")
        connection.executemany("insert into things (name) values (?)", [("one",), ("two",)])
    connection.close()
    return path


@contextmanager
def datasette_on_loopback(python: Path, options: list[str], cwd: Path):
    """`python -m datasette serve *options` on a free loopback port, for the block: the port."""
    port = free_port()
    process = subprocess.Popen(
        [str(python), "-m", "datasette", "serve", *options, "--host", "127.0.0.1", "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(port, "/-/versions.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{python} -m datasette serve {' '.join(options)} did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def plain_datasette(python: Path, database: Path, *options: str):
    """`datasette serve database` of the environment of `python`."""
    return datasette_on_loopback(python, [str(database), *options], database.parent)


def get(port: int, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body), redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def answers(port: int) -> dict[str, tuple]:
    result = {}
    for path in PATHS:
        status, headers, body = get(port, path)
        kept = sorted(
            (name.lower(), value.replace(str(port), "<port>"))
            for name, value in headers
            if name.lower() not in VOLATILE_HEADERS
        )
        result[path] = (status, kept, TIMINGS.sub(rb"\1<t>", body.replace(str(port).encode(), b"<port>")))
    return result


@pytest.fixture(scope="module")
def without_us(other_database) -> dict[str, tuple]:
    """The answers of the same Datasette in an environment without this package."""
    if not PLAIN_PYTHON.exists():
        missing_tool(
            f"{PLAIN_PYTHON} is missing: run `bash scripts/test` once, which makes the Datasette "
            "environment without this package that these tests compare against"
        )
    with plain_datasette(PLAIN_PYTHON, other_database) as port:
        return answers(port)


@pytest.mark.slow  # A second environment (.venv-plain), and two servers.
def test_a_plain_datasette_is_untouched_by_this_package(other_database, without_us):
    with plain_datasette(Path(sys.executable), other_database) as port:
        with_us = answers(port)
    # Status codes first: the most telling difference, reported for every path at once.
    assert {path: answer[0] for path, answer in with_us.items()} == {
        path: answer[0] for path, answer in without_us.items()
    }
    for path in PATHS:
        assert with_us[path][1] == without_us[path][1], f"headers of {path}"
        assert with_us[path][2] == without_us[path][2], f"body of {path}"


@pytest.mark.slow  # A second environment (.venv-plain), and two servers.
def test_the_comparison_tells_a_plugin_apart(other_database, without_us, tmp_path):
    """The normalisation hides no plugin: one extra stylesheet shows in the plugins and on the pages."""
    (tmp_path / "extra.py").write_text(
        "from datasette import hookimpl\n\n\n@hookimpl\ndef extra_css_urls():\n    return ['/extra.css']\n"
    )
    with plain_datasette(PLAIN_PYTHON, other_database, "--plugins-dir", str(tmp_path)) as port:
        with_plugin = answers(port)
    assert with_plugin["/-/plugins.json"] != without_us["/-/plugins.json"]
    assert b"/extra.css" in with_plugin["/other/things"][2]
    assert {path: answer[0] for path, answer in with_plugin.items()} == {
        path: answer[0] for path, answer in without_us.items()
    }


def test_every_module_with_datasette_hooks_is_registered():
    """A new plugin module cannot be forgotten: every module of ours with a Datasette hook is one
    that `register_all()` registers."""
    import importlib
    import pkgutil

    import alliance_data.serving
    from alliance_data.serving.plugins import PLUGIN_MODULES

    hooked = set()
    for info in pkgutil.walk_packages(alliance_data.serving.__path__, "alliance_data.serving."):
        module = importlib.import_module(info.name)
        if any(
            hasattr(value, "datasette_impl") and getattr(value, "__module__", None) == info.name
            for value in vars(module).values()
        ):
            hooked.add(info.name)
    assert hooked == set(PLUGIN_MODULES)


def test_the_replica_recipe_runs_our_plugins(tmp_path):
    """docs/serving.md's `datasette package … --plugins-dir`: the directory Datasette would copy
    into the image, started with the command of Datasette's own Dockerfile (on loopback)."""
    import json
    import shlex
    import shutil

    from datasette.utils import make_dockerfile

    from alliance_data.reader.loading import database_path
    from alliance_data.serving.metadata import metadata
    from alliance_data.serving.plugins import PLUGINS_DIR

    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(database_path(), app / "alliance.db")
    (app / "metadata.json").write_text(json.dumps(metadata()), encoding="utf-8")
    shutil.copytree(PLUGINS_DIR, app / "plugins")
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", "alliance.db", "--inspect-file", "inspect-data.json"],
        cwd=app,
        check=True,
        capture_output=True,
    )
    dockerfile = make_dockerfile(
        ["alliance.db"], "metadata.json", None, None, None, "plugins", [], ["alliance-data"], False, None, "secret"
    )
    command = shlex.split(re.search(r"^CMD (.*)$", dockerfile, re.M).group(1).strip())
    assert command[:4] == ["datasette", "serve", "--host", "0.0.0.0"] and command[-2:] == ["--port", "$PORT"]
    options = command[4:-2]  # the image's own options, without its public host and port
    with datasette_on_loopback(Path(sys.executable), options, app) as port:
        plugins = {plugin["name"]: plugin["hooks"] for plugin in json.loads(get(port, "/-/plugins.json")[2])}
        # Our two plugins, and the one-line module of the plugins directory that registered them.
        limits, reader = "alliance_data.serving.limits", "alliance_data.serving.reader"
        assert set(plugins) == {limits, reader, "alliance_data_plugins.py"}
        assert {"asgi_wrapper", "handle_exception", "prepare_connection", "register_routes"} <= set(plugins[limits])
        assert get(port, "/article/irda")[0] == 200
        assert get(port, "/argument-map")[0] == 200
        status, _, body = get(port, "/alliance.json?sql=select+fts3_tokenizer('simple')")
        assert status == 400 and b"not authorized" in body
        assert b'"path"' not in get(port, "/-/databases.json")[2]
