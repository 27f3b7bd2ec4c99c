#!/usr/bin/env bash
# Python bindings and the Spark example: builds the wheel from source the way a user would
# (`pip install ./crates/unspin-py`, maturin from PyPI as the build backend), then runs pytest,
# including the PySpark job in local mode (needs Java 17+ on the machine), the Ray Data job on a
# local Ray, and dolma's mixer over `unspin scan`'s attribute files (the `unspin` binary that
# `make test-rust` built).
#
# The virtual environment lives under target/ and is rebuilt from PyPI when missing; nothing
# else is cached. UNSPIN_PY_VENV overrides its place.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${UNSPIN_PY_VENV:-target/ci-python-venv}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac  # pytest runs from another directory
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
# pandas is needed by PySpark's Arrow code paths (mapInArrow); PySpark 4 supports pandas < 3.
"$venv/bin/python" -m pip install -q pytest "pyarrow>=14" "pyspark>=3.4" "pandas<3" "ray[data]>=2.40"
# dolma's mixer reads `unspin scan`'s attribute files in test_dolma.py; only its compiled mixer is
# used, so none of the package's (large) dependencies are installed.
"$venv/bin/python" -m pip install -q --no-deps "dolma==1.2.1"
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps ./crates/unspin-py

# Lint the extension crate, which lives outside the root workspace.
cargo fmt --manifest-path crates/unspin-py/Cargo.toml -- --check
PYO3_PYTHON="$venv/bin/python" cargo clippy -q --manifest-path crates/unspin-py/Cargo.toml \
    --all-targets -- -D warnings

# Run from outside the source tree so that the installed wheel is what is imported.
export UNSPIN_REQUIRE_SPARK=1 UNSPIN_REQUIRE_RAY=1 UNSPIN_REQUIRE_DOLMA=1
set +e
(cd crates/unspin-py/tests && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "ci-python: pytest collected no tests: the test setup is broken" >&2
    exit 1
fi
exit "$status"
