#!/usr/bin/env bash
# Language-model benchmarks (docs/benchmarks.md, "Language model"): builds models from
# ../shared/data/corpora/enwiki2015.jsonl.zst into target/models/ (git-ignored, never committed:
# Wikipedia, CC BY-SA), scores held-out enwiki2018 text, and runs the criterion bench.
#   scripts/bench-lm.sh [ORDER...]      # default: 4
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/data/corpora/enwiki2015.jsonl.zst
heldout=../shared/data/corpora/enwiki2018.jsonl.zst
cargo build --release -q -p unspin-cli
mkdir -p target/models
for order in "${@:-4}"; do
  out=target/models/enwiki2015-o$order.lm
  /usr/bin/time -v target/release/unspin model build --corpus "$corpus" --out "$out" \
    --order "$order" --min-count 2 --prune-from 3 --memory 3072 --threads 2 \
    --source "enwiki2015.jsonl.zst (27,937 English Wikipedia articles, 2015)" --licence "CC BY-SA 3.0" \
    2>&1 | grep -E "read |wrote |Elapsed|User time|System time|Maximum resident"
  target/release/unspin model score "$out" --corpus "$heldout" --max-tokens 1000000
done
target/release/unspin model score default --corpus "$heldout" --max-tokens 1000000
UNSPIN_BENCH_MODEL=target/models/enwiki2015-o${1:-4}.lm cargo bench -p unspin --bench lm
