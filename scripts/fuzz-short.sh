#!/usr/bin/env bash
# Run each cargo-fuzz target of fuzz/ for a short time (default 60 s). Needs a nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz`); without them it says so and exits 0, because the
# same invariants run on stable in `cargo test` (crates/unspin/tests/markup_properties.rs).
# Usage: scripts/fuzz-short.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tokenize markup)
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz-short: cargo-fuzz or a nightly toolchain is missing; skipped (stable property tests cover the invariants)"
    exit 0
fi
for t in "${targets[@]}"; do
    echo "== $t ($secs s)"
    cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -max_len=4096 2>&1 | tail -n 3
done
