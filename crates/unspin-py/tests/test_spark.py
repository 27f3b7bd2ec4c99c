"""The Spark example, run in Spark local mode on a small generated Parquet file."""

import os
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
if os.environ.get("UNSPIN_REQUIRE_SPARK") == "1":
    import pyspark  # noqa: F401  (CI: a missing PySpark is a failure, not a skip)
else:
    pytest.importorskip("pyspark")

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples"))
import spark_scan  # noqa: E402
from conftest import expected_scores  # noqa: E402


def test_spark_job_scores_every_row(dataset, tmp_path):
    path, table = dataset
    out = tmp_path / "scored"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    rc = spark_scan.main(
        ["--input", str(path), "--output", str(out), "--master", "local[2]", "--threads", "1"]
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
