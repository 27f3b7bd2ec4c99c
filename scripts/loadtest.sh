#!/usr/bin/env bash
# Bounded load test of `unspin serve` on loopback (docs/benchmarks.md, section "unspin serve").
#
#   scripts/loadtest.sh [DURATION_S] [CLIENTS]        defaults: 60 s, 16 clients
#
# Starts the release binary on a free loopback port, runs wrk (Debian package `wrk`) with CLIENTS
# connections POSTing a seed001-sized document to /v1/check for DURATION_S seconds, then, while a
# second wrk run keeps the server busy, sends a 10 MB body, invalid UTF-8 and malformed JSON and
# checks that they get 413/400/400 and that the load run sees no error. Prints requests/s,
# p50/p99 latency and the server's peak resident memory (VmHWM from /proc/<pid>/status).
# The text is ../shared/eval/dev/seed001.spun.txt when present (read in place, never copied into
# the repository), else the project's fixture repeated to the same size.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
duration=${1:-60}
clients=${2:-16}
threads=${LOADTEST_THREADS:-2}
bin=${UNSPIN_BIN:-$repo/target/release/unspin}
command -v wrk >/dev/null || { echo "loadtest: wrk is missing (apt-get install wrk)" >&2; exit 2; }
if [ -z "${UNSPIN_BIN:-}" ]; then cargo build -q --release -p unspin-cli; fi

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -INT "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

seed="$repo/../shared/eval/dev/seed001.spun.txt"
if [ -f "$seed" ]; then
  src="$seed"; label="seed001.spun.txt"
else
  src="$work/text.txt"; label="tests/fixtures/serve-sample.txt repeated to 15 KB"
  while [ "$(stat -c %s "$src" 2>/dev/null || echo 0)" -lt 15000 ]; do cat tests/fixtures/serve-sample.txt >> "$src"; done
fi
python3 -c 'import json,sys; sys.stdout.write(json.dumps({"text": open(sys.argv[1], encoding="utf-8").read()}))' "$src" > "$work/body.json"

"$bin" serve --addr 127.0.0.1:0 --rules tests/fixtures/serve-rules.toml ${LOADTEST_SERVE_ARGS:-} 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "serving on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/server.log" | head -1)
[ -n "$url" ] || { cat "$work/server.log" >&2; exit 2; }
findings=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" "${url}v1/check" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')

echo "== unspin serve load test: $(date -u +%FT%TZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "text: $label, $(wc -c < "$src") bytes, $findings findings per request"
echo "wrk -t$threads -c$clients -d${duration}s --timeout 30s --latency -s scripts/loadtest.lua ${url}v1/check"
LOADTEST_BODY="$work/body.json" wrk -t"$threads" -c"$clients" -d"${duration}s" --timeout 30s --latency \
  -s scripts/loadtest.lua "${url}v1/check" | tee "$work/wrk.txt"
echo "peak memory (VmHWM): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"

echo "== bad requests while under load (10 s of wrk in the background)"
LOADTEST_BODY="$work/body.json" wrk -t1 -c8 -d10s --timeout 30s -s scripts/loadtest.lua "${url}v1/check" > "$work/wrk2.txt" &
wrk_pid=$!
sleep 1
status_of() { curl -s -o "$work/answer.json" -w '%{http_code}' "$@"; }
fail=0
expect() {
  local want=$1 what=$2; shift 2
  local got; got=$(status_of "$@")
  if [ "$got" = "$want" ]; then echo "ok   $what -> $got $(head -c 160 "$work/answer.json")"
  else echo "FAIL $what -> $got (expected $want) $(head -c 160 "$work/answer.json")"; fail=1; fi
}
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$work/ten_mb"
expect 413 "10 MB body" -X POST -H 'Content-Type: application/json' --data-binary @"$work/ten_mb" "${url}v1/check"
expect 413 "10 MB body, chunked" -X POST -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$work/ten_mb" "${url}v1/check"
printf '{"text": "caf\xe9"}' > "$work/latin1.json"
expect 400 "invalid UTF-8" -X POST -H 'Content-Type: application/json' --data-binary @"$work/latin1.json" "${url}v1/check"
expect 400 "malformed JSON" -X POST -H 'Content-Type: application/json' --data-binary '{"text": ' "${url}v1/check"
expect 415 "wrong content type" -X POST -H 'Content-Type: text/plain' --data-binary 'hello' "${url}v1/check"
expect 200 "a good request right after" -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" "${url}v1/check"
wait "$wrk_pid"
if grep -q '^status 200' "$work/wrk2.txt" && ! grep -E '^status [^2]' "$work/wrk2.txt" && grep -q '^errors_socket 0' "$work/wrk2.txt"; then
  echo "ok   the concurrent load run saw only 200s: $(grep '^status' "$work/wrk2.txt" | tr '\n' ' ')"
else
  echo "FAIL the concurrent load run saw errors:"; cat "$work/wrk2.txt"; fail=1
fi
if grep -E '^status [^2]' "$work/wrk.txt" || ! grep -q '^errors_socket 0' "$work/wrk.txt"; then
  echo "FAIL the main load run had errors"; fail=1
fi
echo "peak memory after the bad requests (VmHWM): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
exit $fail
