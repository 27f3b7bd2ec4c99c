"""`unspin scan`'s attribute files read by dolma's own mixer (PyPI `dolma`, its compiled Rust
mixer), the way a data-curation pipeline uses them: documents under `documents/`, the scan's
`attributes/` linked as `attributes/unspin/`, and a filter on the document score.

dolma's Python package imports hundreds of megabytes of dependencies (NLP and cloud libraries)
that the mixer does not use, so the wheel is installed without them and its compiled extension
module, which holds the mixer `dolma mix` runs, is loaded alone.
"""

import glob
import gzip
import importlib.machinery
import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def dolma_mixer():
    spec = importlib.util.find_spec("dolma")
    if spec is None:
        if os.environ.get("UNSPIN_REQUIRE_DOLMA") == "1":
            pytest.fail("dolma is not installed (scripts/ci-python.sh installs it)")
        pytest.skip("dolma is not installed")
    (package,) = spec.submodule_search_locations
    (so,) = glob.glob(os.path.join(package, "dolma.*.so"))
    loader = importlib.machinery.ExtensionFileLoader("dolma.dolma", so)
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location("dolma.dolma", so, loader=loader)
    )
    loader.exec_module(module)
    return module.mixer_entrypoint


def unspin_binary():
    """The CLI that `make test-rust` built (or UNSPIN_BIN)."""
    candidates = [os.environ.get("UNSPIN_BIN")] + [
        str(REPO / "target" / profile / "unspin") for profile in ("debug", "release")
    ]
    found = [c for c in candidates if c and os.access(c, os.X_OK)]
    if not found:
        if os.environ.get("UNSPIN_REQUIRE_DOLMA") == "1":
            pytest.fail("no unspin binary: build it with `cargo build -p unspin-cli`")
        pytest.skip("no unspin binary")
    # UNSPIN_BIN wins; else the most recently built.
    return found[0] if os.environ.get("UNSPIN_BIN") else max(found, key=os.path.getmtime)


CLEAN = "An ordinary paragraph about gardening and the weather in spring, written by a person."
SPUN = (
    "Head of state Joe Biden as well as his buddies has actually gone nuclear. Any type of tools "
    "as well as pressures were deployed, as well as the Head of state has actually said so."
)


def test_dolma_mixer_reads_the_attributes_and_filters_on_the_score(tmp_path):
    mix = dolma_mixer()
    unspin = unspin_binary()
    documents = tmp_path / "data" / "documents" / "wiki"
    documents.mkdir(parents=True)
    rows = [
        {"id": "clean", "text": CLEAN, "source": "test"},
        {"id": "spun", "text": SPUN, "source": "test"},
        {"id": 7, "text": CLEAN + " Again.", "source": "test"},
    ]
    with gzip.open(documents / "part-0.json.gz", "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")

    scan_out = tmp_path / "scan"
    command = [unspin, "scan", "--input", str(tmp_path / "data" / "documents")]
    subprocess.run(command + ["--output", str(scan_out), "--no-progress"], check=True)
    # dolma's layout: attributes/<name>/ mirrors documents/, file for file.
    assert (scan_out / "attributes" / "wiki" / "part-0.json.gz").exists()
    (tmp_path / "data" / "attributes").mkdir()
    (tmp_path / "data" / "attributes" / "unspin").symlink_to(scan_out / "attributes")

    mixed = tmp_path / "mixed"
    config = {
        "work_dir": {"input": str(tmp_path / "work-in"), "output": str(tmp_path / "work-out")},
        "processes": 1,
        "shuffle": False,
        "streams": [
            {
                "name": "kept",
                "documents": [str(documents / "*.json.gz")],
                "attributes": ["unspin"],
                "output": {"path": str(mixed), "max_size_in_bytes": 100_000_000},
                "filter": {
                    "include": [],
                    "exclude": ["$.attributes[?(@.unspin__spin__doc[0][2] >= 0.7)]"],
                    "syntax": "jsonpath",
                },
                "compression": {"input": None, "output": None},
            }
        ],
    }
    mix(json.dumps(config))

    kept = []
    for path in sorted(mixed.rglob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            kept.extend(json.loads(line) for line in f)
    assert [row["id"] for row in kept] == ["clean", 7]
    for row in kept:
        (doc,) = row["attributes"]["unspin__spin__doc"]
        assert doc[0] == 0 and doc[1] == len(row["text"]) and doc[2] < 0.7
        assert row["attributes"]["unspin__spin__spans"] == []
