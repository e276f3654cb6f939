"""Serving the dataset read-only in Datasette: metadata derived from the models, safety limits,
and the `serve` entry point."""

from ..extras import require

require("serve", "alliance_data.serving")
