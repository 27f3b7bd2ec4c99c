#!/usr/bin/env bash
# Compare the engine's speed of two or more `unspin` binaries on the same input, alternating
# runs so that a change of load on a shared machine hits all of them alike.
#
#   scripts/bench-engine-ab.sh OLD_BINARY NEW_BINARY [MORE...]
#
# Input: the first 2,000 articles of ../shared/data/corpora/enwiki2018.jsonl.zst (3.6 MB of text),
# scanned with the full engine on one thread. Prints each binary's best CPU time of 3 runs
# (perf's task-clock, or user time where perf is missing) and MB of text per CPU-second.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BINARY BINARY [BINARY...]" >&2; exit 2; }
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{ zstdcat ../shared/data/corpora/enwiki2018.jsonl.zst || true; } | head -2000 > "$work/input.jsonl"
mb=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1]))/1e6)" "$work/input.jsonl")
cpu_seconds() {
  rm -rf "$work/out"
  if command -v perf >/dev/null; then
    perf stat -x, -e task-clock "$1" scan --input "$work/input.jsonl" --threads 1 \
      --output "$work/out" --no-progress 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1 / 1000}'
  else
    /usr/bin/time -f "%U" "$1" scan --input "$work/input.jsonl" --threads 1 \
      --output "$work/out" --no-progress 2>&1 >/dev/null | tail -1
  fi
}
declare -A best
for _ in $(seq "$runs"); do
  for b in "$@"; do
    t=$(cpu_seconds "$b")
    best[$b]=$(python3 -c "import sys; print(min(float(a) for a in sys.argv[1:]))" "$t" "${best[$b]:-inf}")
  done
done
for b in "$@"; do
  python3 -c "import sys; t=float(sys.argv[2]); print(f'{sys.argv[1]}: {t:.2f} CPU-s, {float(sys.argv[3])/t:.2f} MB/s per core')" "$b" "${best[$b]}" "$mb"
done
