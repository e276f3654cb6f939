"""Loaded by `datasette serve --plugins-dir` on a replica: registers the dataset's plugins."""

from alliance_data.serving.plugins import register_all

register_all()
