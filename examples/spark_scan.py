"""Score a Parquet dataset with unspin inside Spark.

Each Spark task streams its partition as Arrow record batches (``mapInArrow``); the text column
is handed to the Rust engine through the Arrow C data interface (no copy into Python strings), and
the batch is scored in parallel with the GIL released. Every input row comes out with one more
column, ``unspin_score`` (the probability that the document is machine-spun; null for null text).

    pip install ./crates/unspin-py pyspark pyarrow
    python examples/spark_scan.py --input corpus.parquet --output scored.parquet [--fast | --model FILE]
    python examples/spark_scan.py --input corpus.parquet --output kept.parquet --keep-below 0.5

On a cluster, install the wheel on the executors (or ship it with ``--py-files``/an environment
archive) and submit the same script with ``spark-submit``.
"""

from __future__ import annotations

import argparse
import os
from typing import Iterator, Optional

SCORE_COLUMN = "unspin_score"


def _score_batches(
    batches: Iterator["pyarrow.RecordBatch"],  # noqa: F821
    text_column: str,
    fast: bool,
    threads: Optional[int],
    model: Optional[str] = None,
) -> Iterator["pyarrow.RecordBatch"]:  # noqa: F821
    import pyarrow as pa

    import unspin

    # One engine per task, built once and reused for every batch of the partition.
    scanner = unspin.Scanner(fast=fast, threads=threads, model=model)
    for batch in batches:
        scores = scanner.score_arrow(batch.column(text_column))
        yield batch.append_column(SCORE_COLUMN, pa.array(scores, type=pa.float32()))


def score_dataframe(
    df,
    text_column: str = "text",
    fast: bool = False,
    threads: Optional[int] = 1,
    model: Optional[str] = None,
):
    """``df`` with a float column ``unspin_score`` added.

    ``model`` is a language model file (``unspin model build``) at the same path on every
    executor (a shared file system, or shipped with ``--files``); ``None`` uses the embedded model.

    ``threads`` is per Spark task: Spark already runs one task per core, so the default of 1
    avoids oversubscribing the executor; raise it when tasks are fewer than cores.
    """
    from pyspark.sql.types import FloatType, StructField, StructType

    # The executors unpickle the mapper by reference to this module: ship the module to them.
    df.sparkSession.sparkContext.addPyFile(os.path.abspath(__file__))
    schema = StructType(df.schema.fields + [StructField(SCORE_COLUMN, FloatType(), True)])
    return df.mapInArrow(
        lambda batches: _score_batches(batches, text_column, fast, threads, model), schema
    )


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="Parquet file or directory")
    parser.add_argument("--output", required=True, help="Parquet directory to write")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--fast", action="store_true", help="rule packs only (no language model)")
    parser.add_argument("--threads", type=int, default=1, help="scoring threads per Spark task")
    parser.add_argument(
        "--model", default=None, help="language model file, at this path on every executor"
    )
    parser.add_argument(
        "--keep-below", type=float, help="keep only the rows scoring below this threshold"
    )
    parser.add_argument("--master", default=None, help="Spark master (default: the environment's)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("unspin-scan")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        df = spark.read.parquet(args.input)
        scored = score_dataframe(df, args.text_column, args.fast, args.threads, args.model)
        if args.keep_below is not None:
            scored = scored.filter(scored[SCORE_COLUMN] < args.keep_below)
        scored.write.mode("overwrite").parquet(args.output)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
