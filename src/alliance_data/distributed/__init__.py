"""The table rules on Apache Spark, for a corpus that outgrows one machine.

A corpus is a directory of Parquet tables (claims partitioned by source, the source texts
beside them; `corpus.py`). `validate.validate_corpus(spark, path)` runs on any SparkSession,
local or a cluster's, the checks `alliance_data.rules.check_tables` runs on one machine, from
the same definitions: each rule's query, translated to Spark SQL, and each column constraint
as SQL (`validate.py`).

Nothing here is imported by `import alliance_data`; pyspark and sqlglot are needed only by
these modules (`pip install alliance-data[spark]`).
"""

from ..extras import require

require("spark", "alliance_data.distributed")
