"""Python call overhead of the unspin bindings, measured against the work done in Rust.

    python eval/bench_python.py ../shared/data/corpora/enwiki2015.jsonl.zst --docs 2000 [--fast]

Prints, for the same documents, single-threaded:
  - per-document Python calls (Scanner.check, Scanner.score_batch([t]))
  - one batched call (Scanner.score_batch(texts)) and one Arrow call (Scanner.score_arrow(array))
  - the cost of an empty call (the fixed overhead of crossing into Rust)
Compare with `unspin scan --threads 1` on the same data for the Rust-only figure.
"""

import argparse
import io
import json
import time

import pyarrow as pa

import unspin


def load(path: str, n: int) -> list:
    compression = {"gz": "gzip", "zst": "zstd"}.get(path.rsplit(".", 1)[-1])
    texts = []
    with pa.input_stream(path, compression=compression) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                texts.append(json.loads(line)["text"])
                if len(texts) >= n:
                    break
    return texts


def timed(f, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--docs", type=int, default=2000)
    p.add_argument("--fast", action="store_true")
    args = p.parse_args()
    texts = load(args.path, args.docs)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    scanner = unspin.Scanner(fast=args.fast, threads=1)
    array = pa.array(texts)
    n = len(texts)
    rows = {
        "check() per document": timed(lambda: [scanner.check(t) for t in texts]),
        "score_batch([t]) per document": timed(lambda: [scanner.score_batch([t]) for t in texts]),
        "score_batch(texts), one call": timed(lambda: scanner.score_batch(texts)),
        "score_arrow(array), one call": timed(lambda: scanner.score_arrow(array)),
    }
    empty = timed(lambda: [scanner.score_batch([""]) for _ in range(100000)]) / 100000
    print(f"{n} documents, {mb:.1f} MB of text, fast={args.fast}, 1 thread")
    for name, s in rows.items():
        print(f"  {name:32s} {s:8.3f} s  {n / s:10.0f} docs/s  {mb / s:7.2f} MB/s")
    print(f"  empty call score_batch(['']): {empty * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
