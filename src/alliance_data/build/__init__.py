"""The build: validated tables written as Parquet, CSV and SQLite with their manifest and source texts."""
