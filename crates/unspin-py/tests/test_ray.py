"""The Ray Data example, run on a local Ray (two CPUs) on a small generated Parquet file."""

import os
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
if os.environ.get("UNSPIN_REQUIRE_RAY") == "1":
    import ray  # noqa: F401  (CI: a missing Ray is a failure, not a skip)
else:
    pytest.importorskip("ray")

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples"))
import ray_scan  # noqa: E402
from conftest import TEXTS, expected_scores  # noqa: E402


def test_ray_job_scores_every_row(dataset, tmp_path):
    path, table = dataset
    out = tmp_path / "scored"
    rc = ray_scan.main(
        ["--input", str(path), "--output", str(out), "--num-cpus", "2", "--actors", "2"]
    )
    assert rc == 0
    scored = pq.read_table(out).sort_by("id")
    assert scored.num_rows == table.num_rows  # records in = records out
    assert scored.column_names == ["id", "text", "lang", "unspin_score"]
    expected = expected_scores(table)
    for row_id, text, score in zip(
        scored.column("id").to_pylist(),
        scored.column("text").to_pylist(),
        scored.column("unspin_score").to_pylist(),
    ):
        if text is None:
            assert score is None
        else:
            assert score == pytest.approx(expected[row_id], rel=1e-6)
    # The spun texts score high and the ordinary one low, so the scores mean something.
    by_text = dict(zip(scored.column("text").to_pylist(), scored.column("unspin_score").to_pylist()))
    assert by_text[TEXTS[0]] > 0.7 > by_text[TEXTS[1]]


def test_ray_job_keeps_only_rows_below_the_threshold(dataset, tmp_path):
    path, table = dataset
    out = tmp_path / "kept"
    rc = ray_scan.main(
        ["--input", str(path), "--output", str(out), "--num-cpus", "2", "--keep-below", "0.5"]
    )
    assert rc == 0
    kept = pq.read_table(out)
    expected = expected_scores(table)
    want = sorted(i for i, s in expected.items() if s is not None and s < 0.5)
    assert want, "the fixture has rows below the threshold"
    assert sorted(kept.column("id").to_pylist()) == want
