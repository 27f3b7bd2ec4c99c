#!/usr/bin/env bash
# Peak memory of `unspin check` on a large plain-text file (default 1 GiB), to check that plain
# text is streamed in bounded memory. Usage: scripts/bench-big-input.sh [SIZE_MIB] [PROFILE]
# (PROFILE: release (default) or debug). Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
profile=${2:-release}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
if [ "$profile" = release ]; then cargo build -q --release -p unspin-cli; else cargo build -q -p unspin-cli; fi
bin="target/$profile/unspin"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Paragraphs of ordinary text; one in a thousand holds a tortured phrase.
python3 - "$dir/big.txt" "$size_mib" <<'PY'
import sys
path, mib = sys.argv[1], int(sys.argv[2])
clean = ("The committee met on Tuesday to discuss the budget, and members agreed that the new "
         "library would open in the spring. Researchers said the tools were used to sort the "
         "archive, which holds letters from 1850 to 1920.\n\n")
spun = clean.replace("the tools", "counterfeit consciousness tools")
block = (clean * 999 + spun).encode()
n = mib * 1024 * 1024 // len(block)
with open(path, "wb") as f:
    for _ in range(max(n, 1)):
        f.write(block)
PY
bytes=$(stat -c %s "$dir/big.txt")
/usr/bin/time -v "$bin" check --no-config --fast --format jsonl "$dir/big.txt" >"$dir/out.jsonl" 2>"$dir/time.txt" || true
rss_kib=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$dir/time.txt")
wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$dir/time.txt")
findings=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(len(d["findings"]), d["words"])' "$dir/out.jsonl")
echo "input: $bytes bytes ($size_mib MiB), profile $profile"
echo "peak RSS: $rss_kib KiB; wall: $wall; findings, words: $findings"
