from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, confidentiality, demo


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
            (shown[col] * shown[f"n_{col}"]).sum() / shown[f"n_{col}"].sum()
        )


def test_raising_the_minimum_hides_more(demo_store):
    five = analysis.branch_table(demo_store, "2025-H2", min_size=5)
    ten = analysis.branch_table(demo_store, "2025-H2", min_size=10)
    assert ten["suppressed"].sum() > five["suppressed"].sum()
    assert (
        ten.filter(pl.col("n_respondents") < 10)["engagement"].null_count()
        == ten.filter(pl.col("n_respondents") < 10).height
    )


def _skip_dimension(st, wave: str, dimension: str, answered: int) -> str:
    """Leaves ``answered`` respondents of a shown branch of ``wave`` with answers to
    ``dimension`` (the others skipped its items) and returns that branch."""
    table = analysis.branch_table(st, wave)
    branch = table.filter(pl.col("n_respondents") >= 8).sort("branch_id")["branch_id"][0]
    with st.transaction() as cur:
        cur.execute(
            """DELETE FROM response_scores WHERE item_id IN
                   (SELECT item_id FROM items WHERE dimension_id = ?)
               AND response_id IN (
                   SELECT response_id FROM responses WHERE wave = ? AND branch_id = ?
                   ORDER BY response_id OFFSET ?)""",
            [dimension, wave, branch, answered],
        )
    return branch


def test_a_dimension_too_few_respondents_answered_shows_no_score(stores, demo_data):
    """A shown branch whose respondents mostly skipped one dimension: that dimension's mean
    would be the answers of one or two people, so it is hidden with its own n (the other
    figures of the branch stay); the company's dimension mean leaves it out and is weighted by
    each branch's answers; Compare gives the dimension's own n and marks it hidden ("< 5").
    On both backends."""
    st = stores.open()
    demo.seed_store(st, demo_data)
    wave = "2025-H2"
    try:
        before = analysis.branch_table(st, wave)
        branch = _skip_dimension(st, wave, "leadership", answered=2)
        table = analysis.branch_table(st, wave)
        row = table.filter(pl.col("branch_id") == branch).row(0, named=True)
        n = row["n_respondents"]
        assert n >= 8 and not row["suppressed"] and row["engagement"] is not None
        assert row["dim_leadership"] is None and row["n_dim_leadership"] == 2
        for dim in ("commitment", "customer_focus", "motivation"):
            assert row[f"dim_{dim}"] is not None and row[f"n_dim_{dim}"] == n
        # every other branch as before; a hidden branch has its count but no score
        others = table.filter(pl.col("branch_id") != branch)
        assert others.select(before.columns).equals(before.filter(pl.col("branch_id") != branch))
        small = others.filter(pl.col("suppressed"))
        assert small.height and small["dim_leadership"].null_count() == small.height
        assert (small["n_dim_leadership"] == small["n_respondents"]).all()

        bench = analysis.company_benchmark(table)
        shown = others.filter(~pl.col("suppressed"))
        assert bench.dimensions["leadership"] == pytest.approx(
            (shown["dim_leadership"] * shown["n_dim_leadership"]).sum()
            / shown["n_dim_leadership"].sum(),
            rel=1e-12,
        )
        compared = analysis.compare(table, [branch]).filter(pl.col("measure") == "dim_leadership")
        assert compared.select("value", "n", "suppressed").row(0) == (None, 2, True)

        # five answers are enough at the default minimum, not at a minimum of six
        _skip_dimension(st, wave, "motivation", answered=5)
        five = analysis.branch_table(st, wave).filter(pl.col("branch_id") == branch)
        six = analysis.branch_table(st, wave, min_size=6).filter(pl.col("branch_id") == branch)
        assert five["n_dim_motivation"].item() == 5 and five["dim_motivation"].item() is not None
        assert six["dim_motivation"].item() is None and six["engagement"].item() is not None
    finally:
        st.close()


def test_a_score_with_too_few_answers_of_its_own_is_nulled():
    frame = pl.DataFrame({"n_a": [2, 5, None], "a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    out = confidentiality.suppress_each(frame, {"a": "n_a"}, min_size=5)
    assert out["a"].to_list() == [None, 2.0, None]
    assert out["b"].to_list() == [4.0, 5.0, 6.0] and out.columns == frame.columns
