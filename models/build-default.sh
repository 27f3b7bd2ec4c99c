#!/usr/bin/env bash
# Rebuild the embedded default language model, models/default.lm, from registry packages only.
#
#   models/build-default.sh            # writes models/default.lm and models/default.manifest.json
#
# Sources: PyPI package symspellpy (MIT), which ships unigram and bigram counts derived from the
# Google Books n-gram corpus, and Debian's SCOWL word lists wamerican and wbritish (permissive
# licence), which say which American spellings the counts lack ("labor", "favorite", "center of"):
# models/american_spellings.py gives them their British forms' counts. Nothing from ../shared
# (Wikipedia) goes into this model.
# The manifest records what went in (package, version, licence, file hashes, line counts); the
# test `default_model_matches_its_manifest` checks the committed model against it.
set -euo pipefail
cd "$(dirname "$0")/.."

SYMSPELLPY_VERSION=6.10.1
UNIGRAMS=frequency_dictionary_en_82_765.txt
BIGRAMS=frequency_bigramdictionary_en_243_342.txt
SCOWL_VERSION=2020.12.07-2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pip download --quiet --no-deps "symspellpy==${SYMSPELLPY_VERSION}" -d "$tmp"
python3 -m zipfile -e "$tmp"/symspellpy-"${SYMSPELLPY_VERSION}"-*.whl "$tmp/wheel"
data="$tmp/wheel/symspellpy"
licence_file=$(ls "$tmp"/wheel/symspellpy-"${SYMSPELLPY_VERSION}".dist-info/licenses/LICENSE 2>/dev/null || true)
if [ -n "$licence_file" ]; then
  grep -q "MIT License" "$licence_file" || { echo "symspellpy's licence is no longer MIT: check it" >&2; exit 1; }
fi

# The word lists: `apt-get download` fetches the .deb without installing it (no root needed).
(cd "$tmp" && apt-get download --quiet=2 "wamerican=${SCOWL_VERSION}" "wbritish=${SCOWL_VERSION}")
for deb in "$tmp"/wamerican_*.deb "$tmp"/wbritish_*.deb; do dpkg-deb -x "$deb" "$tmp/scowl"; done
dict="$tmp/scowl/usr/share/dict"
for pkg in wamerican wbritish; do
  grep -q "Permission to use, copy, modify, distribute and sell these word" "$tmp/scowl/usr/share/doc/$pkg/copyright" \
    || { echo "$pkg's licence changed: check it" >&2; exit 1; }
done
mkdir "$tmp/counts"
spellings=$(python3 models/american_spellings.py "$data/$UNIGRAMS" "$data/$BIGRAMS" \
  "$dict/american-english" "$dict/british-english" "$tmp/counts")
echo "American spellings: $spellings"

cargo build --quiet -p unspin-cli
unspin=target/debug/unspin

"$unspin" model import-counts "$tmp/counts/unigrams.txt" "$tmp/counts/bigrams.txt" --out models/default.lm \
  --source "symspellpy/$UNIGRAMS (unigram counts from Google Books n-grams)" --source-version "$SYMSPELLPY_VERSION" --licence MIT \
  --source "symspellpy/$BIGRAMS (bigram counts from Google Books n-grams)" --source-version "$SYMSPELLPY_VERSION" --licence MIT \
  --source "Debian wamerican, wbritish (SCOWL word lists): American spellings given their British forms' counts" \
  --source-version "$SCOWL_VERSION" --licence "SCOWL (permissive: use, copy, modify, distribute and sell)"

size=$(stat -c %s models/default.lm)
if [ "$size" -ge $((4 * 1024 * 1024)) ]; then
  echo "models/default.lm is $size bytes: over the 4 MiB budget" >&2
  exit 1
fi

python3 - "$data" "$UNIGRAMS" "$BIGRAMS" "$SYMSPELLPY_VERSION" "$dict" "$SCOWL_VERSION" "$spellings" \
  > models/default.manifest.json <<'PY'
import hashlib, json, sys
data, uni, bi, version, dict_dir, scowl_version, spellings = sys.argv[1:]
spellings = json.loads(spellings)
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
def word_lists():
    digest = hashlib.sha256()
    for name in ("american-english", "british-english"):
        digest.update(open(f"{dict_dir}/{name}", "rb").read())
    return {
        "name": "Debian wamerican, wbritish (SCOWL word lists): American spellings given their British forms' counts",
        "version": scowl_version,
        "licence": "SCOWL (permissive: use, copy, modify, distribute and sell)",
        "package": f"Debian wamerican={scowl_version}, wbritish={scowl_version}",
        "sha256": digest.hexdigest(),
        "pairs": spellings["pairs"],
        "added": [spellings["unigrams_added"], spellings["bigrams_added"]],
    }
print(json.dumps({"sources": [describe(uni, "unigram"), describe(bi, "bigram"), word_lists()]}, indent=2))
PY

"$unspin" model info models/default.lm
