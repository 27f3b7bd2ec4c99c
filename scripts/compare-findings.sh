#!/usr/bin/env bash
# Check that two `unspin` binaries report the same findings: `unspin check --format json` on every
# file of a folder at several thresholds, compared byte for byte (suggestions, alternatives and
# confidences included). For speed work that must not change a finding.
#
#   scripts/compare-findings.sh OLD_BINARY NEW_BINARY FOLDER [-- CHECK ARGS...]
#   scripts/compare-findings.sh /tmp/unspin-old target/release/unspin /tmp/cmpset -- --model target/models/enwiki2015-o3.lm
#
# Thresholds: $THRESHOLDS (default "0.1 0.5"). Exits 1 at the first difference.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OLD NEW FOLDER [-- CHECK ARGS...]" >&2; exit 2; }
old=$1 new=$2 folder=$3
shift 3
[ "${1:-}" = "--" ] && shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in ${THRESHOLDS:-0.1 0.5}; do
  # `check` exits 1 when it reports findings: only its output matters here.
  "$old" check --format json --min-confidence "$t" "$@" "$folder"/* > "$work/old.json" 2>/dev/null || true
  "$new" check --format json --min-confidence "$t" "$@" "$folder"/* > "$work/new.json" 2>/dev/null || true
  [ -s "$work/old.json" ] || { echo "no output from $old" >&2; exit 2; }
  if cmp -s "$work/old.json" "$work/new.json"; then
    echo "min-confidence $t: identical ($(wc -c < "$work/new.json") bytes)"
  else
    echo "min-confidence $t: DIFFERENT" >&2
    exit 1
  fi
done
