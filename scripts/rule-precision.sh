#!/usr/bin/env bash
# Precision of each detector on the synthetic spins of the identity set (scripts/make-identity-set.sh):
# for every finding in a spunNNN.txt file, whether it lies on one of the spinner's substitutions and
# whether its suggestion is the substitution's original; and the recall: how many substitutions lie
# under a finding, and how many are restored exactly. The substitutions are replayed with the
# same seeds as the set was made with (`examples/spin`), so nothing is stored beside the set.
#
#   scripts/rule-precision.sh BINARY IDSET [-- CHECK ARGS...]
#   scripts/rule-precision.sh target/release/unspin /tmp/idset -- --model target/models/enwiki2015-o3.lm
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BINARY IDSET [-- CHECK ARGS...]" >&2; exit 2; }
bin=$1 set=$2
shift 2
[ "${1:-}" = "--" ] && shift
cd "$(dirname "$0")/.."
cargo build -q --release -p unspin --example spin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spun in "$set"/spun*.txt; do
  i=$(basename "$spun" .txt)
  i=${i#spun}
  # The spinner prints the spun text, then its substitutions as JSON lines.
  target/release/examples/spin 0.6 "$((10#$i))" < "$set/clean$i.txt" > "$work/all$i"
  if ! grep -v '^{"' "$work/all$i" | cmp -s - "$spun"; then
    echo "$spun is not the spin of clean$i.txt with seed $i: rebuild the set" >&2
    exit 1
  fi
  grep '^{"' "$work/all$i" > "$work/subs$i.jsonl" || true
done
# `check` exits 1 when it reports findings: only its output matters here.
"$bin" check --format jsonl "$@" "$set"/spun*.txt > "$work/findings.jsonl" 2>/dev/null || true
python3 - "$work" <<'EOF'
import collections, json, os, sys
work = sys.argv[1]
rows = collections.defaultdict(lambda: [0, 0, 0])
swaps = found = restored = 0
for line in open(os.path.join(work, "findings.jsonl")):
    doc = json.loads(line)
    i = os.path.basename(doc["path"])[len("spun"):-len(".txt")]
    subs = [json.loads(l) for l in open(os.path.join(work, f"subs{i}.jsonl"))]
    for s in subs:
        on = [f for f in doc["findings"] if s["spun_start"] < f["end"] and f["start"] < s["spun_end"]]
        swaps += 1
        found += bool(on)
        restored += any(s["original"].lower() == f["suggestion"].lower() for f in on)
    for f in doc["findings"]:
        on = [s for s in subs if s["spun_start"] < f["end"] and f["start"] < s["spun_end"]]
        exact = any(s["original"].lower() == f["suggestion"].lower() for s in on)
        for rule in (f["rule"], "all"):
            r = rows[rule]
            r[0] += 1
            r[1] += bool(on)
            r[2] += exact
print(f"{'rule':<14}{'findings':>9}{'on a swap':>11}{'exact':>8}{'precision':>11}")
for rule, (n, on, exact) in sorted(rows.items(), key=lambda kv: kv[0] == "all"):
    print(f"{rule:<14}{n:>9}{on:>11}{exact:>8}{on / n:>10.1%}")
print(f"substitutions: {swaps}, under a finding {found} ({found / swaps:.1%}), "
      f"restored exactly {restored} ({restored / swaps:.1%})")
EOF
