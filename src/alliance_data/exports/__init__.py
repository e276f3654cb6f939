"""Writers of the dataset's files: Parquet, CSV, SQLite and JSON Schema, each derived from the models."""

from ..extras import require

require("curate", "alliance_data.exports")
