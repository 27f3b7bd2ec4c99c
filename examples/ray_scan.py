"""Score a Parquet dataset with unspin inside Ray Data.

Each Ray task receives a block of rows as a ``pyarrow.Table`` (``map_batches`` with
``batch_format="pyarrow"``); the text column goes to the Rust engine through the Arrow C data
interface (no copy into Python strings) and is scored in parallel with the GIL released. A stateful
class mapper builds one engine per Ray actor, not one per batch. Every input row comes out with one
more column, ``unspin_score`` (the probability that the document is machine-spun; null for null text).

    pip install ./crates/unspin-py "ray[data]" pyarrow
    python examples/ray_scan.py --input corpus.parquet --output scored/ [--fast | --model FILE]
    python examples/ray_scan.py --input corpus.parquet --output kept/ --keep-below 0.5

On a cluster, install the wheel in the workers' environment (or ship it with a ``runtime_env``) and
run the same script against the cluster (``--address auto``).
"""

from __future__ import annotations

import argparse
from typing import Optional

SCORE_COLUMN = "unspin_score"


class UnspinScorer:
    """A Ray Data mapper holding one engine (built once per actor, reused for every batch)."""

    def __init__(
        self,
        text_column: str = "text",
        fast: bool = False,
        threads: Optional[int] = 1,
        model: Optional[str] = None,
    ):
        import unspin

        self.text_column = text_column
        self.scanner = unspin.Scanner(fast=fast, threads=threads, model=model)

    def __call__(self, batch: "pyarrow.Table") -> "pyarrow.Table":  # noqa: F821
        import pyarrow as pa

        scores = self.scanner.score_arrow(batch.column(self.text_column))
        return batch.append_column(SCORE_COLUMN, pa.array(scores, type=pa.float32()))


def score_dataset(
    ds,
    text_column: str = "text",
    fast: bool = False,
    threads: Optional[int] = 1,
    model: Optional[str] = None,
    actors: int = 2,
):
    """``ds`` (a ``ray.data.Dataset``) with a float column ``unspin_score`` added.

    ``model`` is a language model file (``unspin model build``) at the same path on every worker;
    ``None`` uses the embedded model. ``actors`` is the most scoring actors (one engine each),
    ``threads`` the scoring threads of each: Ray already runs one actor per CPU it gives them.
    """
    import sys

    from ray import cloudpickle

    # The workers need the mapper's code, and this module is not installed on them: pickle the
    # module's functions and classes by value (a script run as __main__ already is).
    if __name__ != "__main__":
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    return ds.map_batches(
        UnspinScorer,
        fn_constructor_kwargs={
            "text_column": text_column,
            "fast": fast,
            "threads": threads,
            "model": model,
        },
        batch_format="pyarrow",
        # An autoscaling pool of 1 to `actors`: a fixed pool could hold every CPU of a small
        # machine and starve the reads and writes around it.
        concurrency=(1, actors),
    )


def _below(threshold: float):
    """A batch filter keeping the rows that score below ``threshold`` (null scores dropped, as a
    SQL ``<`` would)."""

    def keep(batch: "pyarrow.Table") -> "pyarrow.Table":  # noqa: F821
        import pyarrow.compute as pc

        return batch.filter(pc.less(batch[SCORE_COLUMN], threshold))

    return keep


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="Parquet file or directory")
    parser.add_argument("--output", required=True, help="Parquet directory to write")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--fast", action="store_true", help="rule packs only (no language model)")
    parser.add_argument("--threads", type=int, default=1, help="scoring threads per actor")
    parser.add_argument("--actors", type=int, default=2, help="most scoring actors (one engine each)")
    parser.add_argument("--model", default=None, help="language model file, on every worker")
    parser.add_argument(
        "--keep-below", type=float, help="keep only the rows scoring below this threshold"
    )
    parser.add_argument(
        "--address", default=None, help="Ray cluster address (default: start a local Ray)"
    )
    parser.add_argument(
        "--num-cpus", type=int, default=None, help="CPUs of the local Ray (default: all)"
    )
    args = parser.parse_args(argv)

    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(address=args.address, num_cpus=args.num_cpus, include_dashboard=False)
    try:
        ds = ray.data.read_parquet(args.input)
        scored = score_dataset(
            ds, args.text_column, args.fast, args.threads, args.model, args.actors
        )
        if args.keep_below is not None:
            scored = scored.map_batches(
                _below(args.keep_below), batch_format="pyarrow"
            )
        scored.write_parquet(args.output)
    finally:
        if started:
            ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
