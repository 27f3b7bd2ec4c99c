"""Convert a JSONL shard (plain, .gz or .zst) to Parquet, streaming, for benchmarks and tests.

    python examples/jsonl_to_parquet.py ../shared/data/corpora/enwiki2015.jsonl.zst /tmp/enwiki2015.parquet

Keeps every field; rows are written in input order, in row groups of --rows-per-group.
"""

import argparse
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq


def convert(src: str, dst: str, rows_per_group: int = 2048) -> int:
    compression = {"gz": "gzip", "zst": "zstd"}.get(src.rsplit(".", 1)[-1])
    rows = 0
    writer = None
    with pa.input_stream(src, compression=compression) as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")
        batch = []
        for line in lines:
            if line.strip():
                batch.append(json.loads(line))
            if len(batch) >= rows_per_group:
                writer = _write(writer, dst, batch)
                rows += len(batch)
                batch = []
        if batch or writer is None:
            writer = _write(writer, dst, batch)
            rows += len(batch)
    writer.close()
    return rows


def _write(writer, dst, batch):
    table = pa.Table.from_pylist(batch)
    if writer is None:
        writer = pq.ParquetWriter(dst, table.schema, compression="zstd")
    writer.write_table(table.cast(writer.schema))
    return writer


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--rows-per-group", type=int, default=2048)
    args = parser.parse_args()
    print(f"{convert(args.src, args.dst, args.rows_per_group)} rows written to {args.dst}")
