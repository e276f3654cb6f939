"""Our Datasette plugins, registered by the server that serves the dataset and by no other.

They are not Datasette entry points: an entry point loads into every Datasette of the
environment, so `datasette other.db` would run our request guard and error handler, list our
plugins and link our stylesheet. `serve()` and `make_datasette()` call `register_all()`; a
replica started by `datasette serve` gets them through `--plugins-dir PLUGINS_DIR` (a one-line
module that calls `register_all()`, docs/serving.md).
"""

from __future__ import annotations

import importlib
from pathlib import Path

# Every module of ours that holds Datasette hooks (a test checks none is missing):
# limits: SQLite limits per connection, and the request guard, error handler and
#   /-/databases without paths (guard.py, errors.py) hooked in from there;
# reader: the readers' pages, cells, templates and facets (Datasette's own among them, its
#   column facet replaced by one that counts a whole table once: `REPLACED` is unregistered).
PLUGIN_MODULES = ("alliance_data.serving.limits", "alliance_data.serving.reader")
REPLACED = ("datasette.facets",)

# For `datasette serve --plugins-dir` (and `datasette package`/`publish --plugins-dir`).
PLUGINS_DIR = Path(__file__).parent / "plugins_dir"


def register_all() -> None:
    """Register every plugin module with this process's Datasette (once, however often called)."""
    from datasette.plugins import pm

    for name in REPLACED:
        if pm.get_plugin(name) is not None:
            pm.unregister(name=name)
    for name in PLUGIN_MODULES:
        module = importlib.import_module(name)
        if not pm.is_registered(module):
            pm.register(module, name=name)
