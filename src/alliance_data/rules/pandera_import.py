"""Importing pandera's pandas API without pyspark.

When pyspark is installed, `import pandera` imports `pyspark.pandas` (to patch type hints we do
not use), which is slow and warns about the pandas version on every command that validates.
The Spark path (`alliance_data.distributed`) imports pyspark itself when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_pyspark() -> Iterator[None]:
    """Inside, `import pyspark` fails as if it were not installed (so pandera skips it); after,
    pyspark imports normally. Does nothing once pyspark or pandera is imported."""
    if "pyspark" in sys.modules or "pandera" in sys.modules:
        yield
        return
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # the import system's "not importable"
    try:
        yield
    finally:
        if sys.modules.get("pyspark", ...) is None:
            del sys.modules["pyspark"]
