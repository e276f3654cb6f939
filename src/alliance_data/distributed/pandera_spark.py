"""Importing pandera's pyspark backend with pandas 3.

pandera's pyspark API imports `pyspark.pandas` (only to name its DataFrame type), and
pyspark's pandas API does not import under pandas 3 (it reaches for removed pandas
internals such as `pandas.tseries.frequencies.DateOffset`). We validate `pyspark.sql`
DataFrames only, so when the real module cannot be imported a placeholder stands in for
it: pandera gets type names that no object is ever an instance of, and the pyspark.sql
backend runs unchanged. With a pandas that pyspark supports, the real module is used.
"""

from __future__ import annotations

import sys
import threading
import types
import warnings
from typing import Any

# The corpus checks build their schemas from several threads; one import at a time, so no thread
# sees another's half-imported pyspark.pandas.
_IMPORT_LOCK = threading.Lock()


def _placeholder_pyspark_pandas() -> None:
    for name in [name for name in list(sys.modules) if name == "pyspark.pandas" or name.startswith("pyspark.pandas.")]:
        sys.modules.pop(name, None)  # a half-imported package from the failed attempt
    module = types.ModuleType("pyspark.pandas", "Placeholder: pyspark's pandas API does not import here.")
    module.__path__ = []  # a package, so `pyspark.pandas.extensions` resolves
    for name in ("DataFrame", "Series", "Index", "MultiIndex"):
        setattr(module, name, type(name, (), {"__module__": "pyspark.pandas"}))
    extensions = types.ModuleType("pyspark.pandas.extensions")
    for name in ("register_dataframe_accessor", "register_series_accessor", "register_index_accessor"):
        setattr(extensions, name, lambda _name: lambda accessor: accessor)
    module.extensions = extensions
    sys.modules["pyspark.pandas"] = module
    sys.modules["pyspark.pandas.extensions"] = extensions


def import_pandera_pyspark() -> Any:
    """`pandera.pyspark`, importable whatever the pandas version."""
    with _IMPORT_LOCK, warnings.catch_warnings():
        # pyspark warns that it "does not yet fully support pandas >= 3.0.0"; we use none of
        # its pandas API.
        warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")
        try:
            import pyspark.pandas  # noqa: F401
        except ImportError:
            _placeholder_pyspark_pandas()
        import pandera.pyspark

    return pandera.pyspark
