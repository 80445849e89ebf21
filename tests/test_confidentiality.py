from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, confidentiality


def test_scores_below_the_minimum_are_nulled_and_flagged():
    frame = pl.DataFrame({"n": [2, 5, 9], "score": [1.0, 2.0, 3.0], "other": [7, 8, 9]})
    out = confidentiality.suppress(frame, n="n", columns=["score"], min_size=5)
    assert out["score"].to_list() == [None, 2.0, 3.0]
    assert out["suppressed"].to_list() == [True, False, False]
    assert out["other"].to_list() == [7, 8, 9]


def test_the_minimum_never_drops_below_three(monkeypatch):
    assert confidentiality.minimum(1) == 3
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "2")
    assert confidentiality.minimum() == 3
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "8")
    assert confidentiality.minimum() == 8


def test_branch_table_hides_every_score_of_small_branches(demo_store):
    table = analysis.branch_table(demo_store)
    small = table.filter(pl.col("n_respondents") < 5)
    assert small.height > 0
    score_cols = [c for c in table.columns if c.startswith(("engagement", "dim_"))]
    assert small.select(score_cols).null_count().row(0) == tuple([small.height] * len(score_cols))
    assert small["suppressed"].all()
    # loyalty and finance figures of small branches stay visible
    assert small["nps"].null_count() == 0 and small["ros"].null_count() == 0


def test_company_average_cannot_be_used_to_recover_a_hidden_branch(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    bench = analysis.company_benchmark(table)
    shown = table.filter(~pl.col("suppressed"))
    expected = (shown["engagement"] * shown["n_respondents"]).sum() / shown["n_respondents"].sum()
    # the company figure is exactly the mean over shown branches: subtracting the shown
    # branches from it leaves nothing about the hidden ones
    assert bench.engagement == pytest.approx(expected, rel=1e-12)
    assert bench.engagement_n == shown["n_respondents"].sum()
    for dim, value in bench.dimensions.items():
        col = f"dim_{dim}"
        assert value == pytest.approx(
            (shown[col] * shown["n_respondents"]).sum() / shown["n_respondents"].sum()
        )


def test_raising_the_minimum_hides_more(demo_store):
    five = analysis.branch_table(demo_store, "2025-H2", min_size=5)
    ten = analysis.branch_table(demo_store, "2025-H2", min_size=10)
    assert ten["suppressed"].sum() > five["suppressed"].sum()
    assert (
        ten.filter(pl.col("n_respondents") < 10)["engagement"].null_count()
        == ten.filter(pl.col("n_respondents") < 10).height
    )
