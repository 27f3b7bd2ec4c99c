#!/usr/bin/env bash
# Build the 300-file identity set that scripts/compare-findings.sh runs on: 150 enwiki2018
# articles (#1,000–1,149, past those dev_eval reports on), a synthetic spin of each (60% of
# content words, seed = its number), and the six dev texts.
#
#   scripts/make-identity-set.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
cargo build -q --release -p unspin --example spin
{ zstdcat ../shared/data/corpora/enwiki2018.jsonl.zst || true; } | sed -n '1001,1150p' |
  python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    with open(f"{sys.argv[1]}/clean{i:03}.txt", "w") as f:
        f.write(json.loads(line)["text"])
' "$out"
for i in $(seq -f "%03g" 0 149); do
  # The spinner prints the spun text, then its substitutions as JSON lines: keep the text.
  target/release/examples/spin 0.6 "$((10#$i))" < "$out/clean$i.txt" | grep -v '^{"' > "$out/spun$i.txt"
done
cp ../shared/eval/dev/*.txt "$out/"
echo "$(ls "$out" | wc -l) files in $out"
