"""The light reader API: the packaged tables and older releases, with pandas and pyarrow only."""
