"""python -m alliance_data.distributed CORPUS_DIR [--master URL]: validate a corpus on Spark; exit 1 on any failure."""

from __future__ import annotations

import argparse
import sys

from ..problems import ValidationFailed
from .session import local_session
from .validate import check_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alliance_data.distributed", description=__doc__)
    parser.add_argument("corpus", help="corpus directory or object-store URL (s3a://...)")
    parser.add_argument("--cores", type=int, default=2, help="local worker threads (ignored under spark-submit)")
    arguments = parser.parse_args(argv)
    # Under spark-submit the session exists already and getOrCreate() returns it.
    spark = local_session(cores=arguments.cores)
    try:
        check_corpus(spark, arguments.corpus)
    except ValidationFailed as error:
        print(error, file=sys.stderr)
        return 1
    print("corpus valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
