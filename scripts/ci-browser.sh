#!/usr/bin/env bash
# End-to-end test of the web page in headless Chromium: installs Debian's chromium (apt) and
# npm's playwright-core (which downloads no browser), builds the real `unspin`, and runs
# tests/browser/e2e.mjs against `unspin serve` on a free loopback port. Saves docs/screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# Install only what is missing: a machine with Node.js from elsewhere (NodeSource) cannot take
# Debian's npm beside it ("held broken packages").
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "ci-browser: playwright-core needs Node.js 20 or newer; this machine has $(node --version)" >&2
  exit 2
fi

cargo build -q -p unspin-cli
# The binary is where cargo put it: CARGO_TARGET_DIR (relative to the repository) or target/.
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
(
  cd tests/browser
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
)
UNSPIN_BIN="$target_dir/debug/unspin" UNSPIN_REPO="$repo" UNSPIN_SHARED="$repo/../shared" \
  node tests/browser/e2e.mjs
