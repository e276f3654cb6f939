"""Serving the dataset read-only in Datasette: metadata derived from the models, safety limits,
the readers' pages, and the `serve` entry point, which alone registers our plugins (plugins.py)."""

from ..extras import require

require("serve", "alliance_data.serving")
