#!/usr/bin/env bash
# Compare the engine's speed of two or more `unspin` binaries on the same input, alternating
# runs so that a change of load on a shared machine hits all of them alike.
#
#   scripts/bench-engine-ab.sh OLD_BINARY NEW_BINARY [MORE...]
#   scripts/bench-engine-ab.sh BINARY@MODEL_FILE BINARY@OTHER_MODEL_FILE   # a model per run
#
# Input: ARTICLES (default 2,000) articles of ../shared/data/corpora/enwiki2018.jsonl.zst from
# article FROM (default 1; the first 2,000 are 3.6 MB of text), scanned with the full engine on
# one thread, with the embedded model or MODEL_FILE. Prints each run's best CPU time of RUNS
# (default 3; perf's task-clock, or user time where perf is missing) and MB of text per
# CPU-second. Every run's output must equal the first run's with the same model: a speed
# change must not change a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BINARY BINARY [BINARY...]" >&2; exit 2; }
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
from=${FROM:-1}
articles=${ARTICLES:-2000}
{ zstdcat ../shared/data/corpora/enwiki2018.jsonl.zst || true; } |
  { tail -n "+$from" || true; } | head -n "$articles" > "$work/input.jsonl"
mb=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1]))/1e6)" "$work/input.jsonl")
cpu_seconds() {
  local binary=${1%%@*} model=()
  [[ $1 == *@* ]] && model=(--model "${1#*@}")
  rm -rf "$work/out"
  if command -v perf >/dev/null; then
    perf stat -x, -e task-clock "$binary" scan --input "$work/input.jsonl" --threads 1 \
      --output "$work/out" --no-progress "${model[@]}" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1 / 1000}'
  else
    /usr/bin/time -f "%U" "$binary" scan --input "$work/input.jsonl" --threads 1 \
      --output "$work/out" --no-progress "${model[@]}" 2>&1 >/dev/null | tail -1
  fi
  local found key="model:${model[*]:-embedded}"
  # `zcat -f`: a binary from before the attributes kept their shard's name wrote `input.jsonl.gz`.
  found=$(zcat -f "$work"/out/attributes/input.* | sha256sum)
  if [ -z "${outputs[$key]:-}" ]; then
    outputs[$key]=$found
  elif [ "$found" != "${outputs[$key]}" ]; then
    echo "$1: output differs from the first run's with the same model" >&2
    exit 1
  fi
}
declare -A best outputs
for _ in $(seq "$runs"); do
  for b in "$@"; do
    cpu_seconds "$b" > "$work/t"
    t=$(cat "$work/t")
    best[$b]=$(python3 -c "import sys; print(min(float(a) for a in sys.argv[1:]))" "$t" "${best[$b]:-inf}")
  done
done
for b in "$@"; do
  python3 -c "import sys; t=float(sys.argv[2]); print(f'{sys.argv[1]}: {t:.2f} CPU-s, {float(sys.argv[3])/t:.2f} MB/s per core')" "$b" "${best[$b]}" "$mb"
done
