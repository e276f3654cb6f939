"""A local SparkSession for tests and benchmarks; on a cluster, pass the cluster's session instead."""

from __future__ import annotations

from typing import Any


def local_session(cores: int = 2, shuffle_partitions: int = 8, driver_memory: str = "2g") -> Any:
    """A SparkSession on this machine: `cores` worker threads, few shuffle partitions (the
    default 200 is for clusters and makes small jobs slow), no web UI, quiet logs.

    Files are listed and opened as a local disk allows. Spark's defaults assume a cluster's
    storage: a directory of more than 32 partitions is listed by a job of one task per
    partition (a corpus has one per source: listing it in the driver is many times faster), and
    each file is costed as 4 MB to open, which splits a scan of small files into hundreds of
    tasks. A scan is split into at least four tasks per core, so the cores stay evenly busy.
    Cached tables are kept uncompressed: their columns are mostly free text, which Spark's
    column encoders try, and fail, to shrink: the trying costs time (figures: benchmarks/NOTES.md)."""
    import warnings

    # pyspark warns on import that it does not fully support pandas 3; we use none of its pandas API.
    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("alliance-data")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", str(2**31 - 1))
        .config("spark.sql.files.openCostInBytes", str(64 * 1024))
        .config("spark.sql.files.minPartitionNum", str(4 * cores))
        .config("spark.sql.inMemoryColumnarStorage.compressed", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
