#!/usr/bin/env bash
# Rebuild the embedded default language model, models/default.lm, from registry packages only.
#
#   models/build-default.sh            # writes models/default.lm and models/default.manifest.json
#
# Source: PyPI package symspellpy (MIT), which ships unigram and bigram counts derived from the
# Google Books n-gram corpus. Nothing from ../shared (Wikipedia) goes into this model.
# The manifest records what went in (package, version, licence, file hashes, line counts); the
# test `default_model_matches_its_manifest` checks the committed model against it.
set -euo pipefail
cd "$(dirname "$0")/.."

SYMSPELLPY_VERSION=6.10.1
UNIGRAMS=frequency_dictionary_en_82_765.txt
BIGRAMS=frequency_bigramdictionary_en_243_342.txt

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pip download --quiet --no-deps "symspellpy==${SYMSPELLPY_VERSION}" -d "$tmp"
python3 -m zipfile -e "$tmp"/symspellpy-"${SYMSPELLPY_VERSION}"-*.whl "$tmp/wheel"
data="$tmp/wheel/symspellpy"
licence_file=$(ls "$tmp"/wheel/symspellpy-"${SYMSPELLPY_VERSION}".dist-info/licenses/LICENSE 2>/dev/null || true)
if [ -n "$licence_file" ]; then
  grep -q "MIT License" "$licence_file" || { echo "symspellpy's licence is no longer MIT: check it" >&2; exit 1; }
fi

cargo build --quiet -p unspin-cli
unspin=target/debug/unspin

"$unspin" model import-counts "$data/$UNIGRAMS" "$data/$BIGRAMS" --out models/default.lm \
  --source "symspellpy/$UNIGRAMS (unigram counts from Google Books n-grams)" --source-version "$SYMSPELLPY_VERSION" \
  --source "symspellpy/$BIGRAMS (bigram counts from Google Books n-grams)" --source-version "$SYMSPELLPY_VERSION" \
  --licence MIT

size=$(stat -c %s models/default.lm)
if [ "$size" -ge $((4 * 1024 * 1024)) ]; then
  echo "models/default.lm is $size bytes: over the 4 MiB budget" >&2
  exit 1
fi

python3 - "$data" "$UNIGRAMS" "$BIGRAMS" "$SYMSPELLPY_VERSION" > models/default.manifest.json <<'PY'
import hashlib, json, sys
data, uni, bi, version = sys.argv[1:]
def describe(name, what):
    raw = open(f"{data}/{name}", "rb").read()
    lines = [l for l in raw.decode("utf-8").splitlines() if l.strip()]
    return {
        "name": f"symspellpy/{name} ({what} counts from Google Books n-grams)",
        "version": version,
        "licence": "MIT",
        "package": f"PyPI symspellpy=={version}",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "lines": len(lines),
    }
print(json.dumps({"sources": [describe(uni, "unigram"), describe(bi, "bigram")]}, indent=2))
PY

"$unspin" model info models/default.lm
