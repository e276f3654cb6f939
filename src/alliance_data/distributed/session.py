"""A local SparkSession for tests and benchmarks; on a cluster, pass the cluster's session instead."""

from __future__ import annotations

from typing import Any


def local_session(cores: int = 2, shuffle_partitions: int = 8, driver_memory: str = "2g") -> Any:
    """A SparkSession on this machine: `cores` worker threads, few shuffle partitions (the
    default 200 is for clusters and makes small jobs slow), no web UI, quiet logs."""
    import warnings

    # pyspark warns on import that it does not fully support pandas 3; we use none of its pandas API.
    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("alliance-data")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
