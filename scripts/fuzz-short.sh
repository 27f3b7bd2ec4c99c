#!/usr/bin/env bash
# Run each cargo-fuzz target of fuzz/ for a short time (default 60 s). Needs a nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz`); without them it says so and exits 0, because the
# same invariants run on stable in `cargo test` (crates/unspin/tests/markup_properties.rs; for the
# shard readers, the unit tests of crates/unspin-scan).
# Usage: scripts/fuzz-short.sh [SECONDS] [TARGET...]
# The scan_* targets (corpus shard readers) start from a few small valid shards written into their
# corpus directory (fuzz/corpus/<target>, ignored by git) when it is empty.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tokenize markup scan_jsonl scan_warc scan_parquet scan_decompress)
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz-short: cargo-fuzz or a nightly toolchain is missing; skipped (stable property tests cover the invariants)"
    exit 0
fi

jsonl='{"id":"a","text":"The head of state said."}\n\n{"id":7,"text":"Second line"}\r\n{broken\n'
html='<html><body><p>Hello <b>world</b> &amp; all.</p><script>x=1</script></body></html>'
http="HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n$html"
warc="WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n"
warc+="WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
warc+="WARC-Target-URI: http://example.com/\r\nContent-Type: application/http; msgtype=response\r\n"
warc+="Content-Length: $(printf "$http" | wc -c)\r\n\r\n$http\r\n\r\n"

# Seed an empty corpus directory of a scan_* target.
seed() {
    local dir=corpus/$1
    [ -z "$(ls -A "$dir" 2>/dev/null)" ] || return 0
    mkdir -p "$dir"
    case $1 in
        scan_jsonl) printf "$jsonl" >"$dir/seed.jsonl" ;;
        scan_warc) printf "$warc" >"$dir/seed.warc" ;;
        scan_decompress)
            # A compressed file as it is (starts with the gzip or zstd magic), and a payload for
            # the target to compress and cut itself.
            printf "$jsonl" >"$dir/payload"
            if command -v gzip >/dev/null; then printf "$jsonl" | gzip -c >"$dir/seed.jsonl.gz"; fi
            if command -v zstd >/dev/null; then printf "$jsonl" | zstd -qc >"$dir/seed.jsonl.zst"; fi
            ;;
        # scan_parquet writes (and damages) its own files from any input: no seed needed.
    esac
}

for t in "${targets[@]}"; do
    max_len=4096
    case $t in scan_*) max_len=65536; seed "$t" ;; esac
    echo "== $t ($secs s)"
    cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -max_len="$max_len" -timeout=30 2>&1 | tail -n 3
done
# The scratch files of the scan targets (one per fuzzing process).
rm -f /dev/shm/unspin-fuzz-* "${TMPDIR:-/tmp}"/unspin-fuzz-*
