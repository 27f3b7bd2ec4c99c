"""Fixtures shared by the Spark and Ray jobs' tests: a small Parquet dataset of spun, clean and
null texts, and the scores the Rust engine gives its rows directly."""

import pytest

import unspin

TEXTS = [
    "Head of state Joe Biden said the counterfeit consciousness results as well as the data held.",
    "An ordinary paragraph about gardening and the weather in spring.",
    None,
    "Profound learning as well as irregular backwoods are utilized.",
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path_factory.mktemp("in") / "docs.parquet"
    n = 200
    table = pa.table(
        {
            "id": [f"doc{i}" for i in range(n)],
            "text": [TEXTS[i % len(TEXTS)] for i in range(n)],
            "lang": ["en"] * n,
        }
    )
    pq.write_table(table, path, row_group_size=64)
    return path, table


def expected_scores(table):
    """Row id → the score `Scanner.score_arrow` gives the row's text (None for null text)."""
    return dict(
        zip(
            table.column("id").to_pylist(),
            unspin.Scanner().score_arrow(table.column("text")),
        )
    )
