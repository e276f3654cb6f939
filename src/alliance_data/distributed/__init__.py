"""The table rules on Apache Spark, for a corpus that outgrows one machine.

A corpus is a directory of Parquet tables (claims partitioned by source, the source texts
beside them; `corpus.py`). `validate.validate_corpus(spark, path)` runs on any SparkSession,
local or a cluster's, the same checks `alliance_data.rules.check_tables` runs on one
machine: a pandera pyspark schema per table derived from the same column specs
(`schemas.py`) and every foreign key and cross-table rule as Spark joins (`rules.py`).

Nothing here is imported by `import alliance_data`; pyspark is needed only by these modules
(`pip install alliance-data[spark]`).
"""
