from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, confidentiality, demo, quality


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


def _keep_only(st, wave: str, branch: str, dimension: str, respondents: int) -> list[int]:
    """The first ``respondents`` of ``branch`` in ``wave`` keep only their answers to
    ``dimension`` (they skipped the others); returns their response ids."""
    ids = st.sql(
        "SELECT response_id FROM active_responses WHERE wave = ? AND branch_id = ? "
        "ORDER BY response_id LIMIT ?",
        [wave, branch, respondents],
    )["response_id"].to_list()
    with st.transaction() as cur:
        for response_id in ids:
            cur.execute(
                """DELETE FROM response_scores WHERE response_id = ? AND item_id NOT IN
                       (SELECT item_id FROM items WHERE dimension_id = ?)""",
                [response_id, dimension],
            )
    return ids


def test_no_respondent_who_skipped_a_dimension_can_be_worked_out(stores, demo_data):
    """A respondent who answered only motivation: were they counted in the index and in
    motivation but not in the other dimensions, the index and the dimension means with their
    n would give their answer, (4·n·E − Σ n_d·D_d) / 3. Every engagement figure of the branch
    stands on the respondents who answered every dimension instead: that sum is 0, the
    respondent counts nowhere, and two such respondents of a branch of seven leave five,
    still shown; three leave four: hidden. Other branches are unchanged. On both backends."""
    st = stores.open()
    demo.seed_store(st, demo_data)
    wave = "2025-H2"
    try:
        before = analysis.branch_table(st, wave)
        big = before.filter(pl.col("n_respondents") >= 8).sort("branch_id").row(0, named=True)
        (alone,) = _keep_only(st, wave, big["branch_id"], "motivation", 1)
        table = analysis.branch_table(st, wave)
        row = table.filter(pl.col("branch_id") == big["branch_id"]).row(0, named=True)
        dims = [c for c in table.columns if c.startswith("dim_")]
        n = row["n_respondents"]
        assert n == big["n_respondents"] - 1 and not row["suppressed"]
        assert all(row[f"n_{c}"] == n for c in dims)
        worked_out = 4 * n * row["engagement"] - sum(row[f"n_{c}"] * row[c] for c in dims)
        assert abs(worked_out) < 1e-8  # the rounding of the stored means, nothing of anyone
        assert alone not in analysis.respondent_engagement(st, wave)["response_id"].to_list()
        assert row["dim_motivation"] != big["dim_motivation"]  # left out there too

        seven = before.filter(pl.col("n_respondents") == 7).sort("branch_id")["branch_id"]
        _keep_only(st, wave, seven[0], "leadership", 2)
        _keep_only(st, wave, seven[1], "leadership", 3)
        after = analysis.branch_table(st, wave)
        five = after.filter(pl.col("branch_id") == seven[0]).row(0, named=True)
        four = after.filter(pl.col("branch_id") == seven[1]).row(0, named=True)
        assert (five["n_respondents"], five["suppressed"]) == (5, False)
        assert five["dim_leadership"] is not None
        assert (four["n_respondents"], four["suppressed"]) == (4, True)
        assert four["engagement"] is None and four["dim_leadership"] is None

        # the Methods page counts them apart: six left out, one branch fewer shown, and its
        # r_wg(j) is over the same respondents in the same branches
        counts = quality.response_counts(st).filter(pl.col("wave") == wave).row(0, named=True)
        assert counts["counted"] == counts["respondents"] - 6 == after["n_respondents"].sum()
        assert counts["branches_shown"] == (~before["suppressed"]).sum() - 1
        assert counts["branches_shown"] == (~after["suppressed"]).sum()
        assert quality.aggregation(st, wave).n_branches_rwg == counts["branches_shown"]

        untouched = ~pl.col("branch_id").is_in([big["branch_id"], *seven[:2]])
        assert after.filter(untouched).select(before.columns).equals(before.filter(untouched))
        bench = analysis.company_benchmark(after)
        shown = after.filter(~pl.col("suppressed"))
        assert bench.dimensions["leadership"] == pytest.approx(
            (shown["dim_leadership"] * shown["n_dim_leadership"]).sum()
            / shown["n_dim_leadership"].sum(),
            rel=1e-12,
        )
    finally:
        st.close()


def test_a_dimension_few_answered_is_left_out_of_the_wave_not_everybody_else(stores, demo_data):
    """One respondent of a wave answered leadership (everybody else skipped it, as if only
    they had been shown it): leadership was not asked in that wave (fewer than half
    answered), so it has no figure there and everybody counts in the other three; the
    Methods page counts them all."""
    st = stores.open()
    demo.seed_store(st, demo_data)
    wave = "2025-H2"
    try:
        before = analysis.branch_table(st, wave)
        with st.transaction() as cur:
            cur.execute(
                """DELETE FROM response_scores WHERE item_id IN
                       (SELECT item_id FROM items WHERE dimension_id = 'leadership')
                   AND response_id IN (SELECT response_id FROM active_responses WHERE wave = ?)
                   AND response_id <> (SELECT min(response_id) FROM active_responses
                                       WHERE wave = ?)""",
                [wave, wave],
            )
        after = analysis.branch_table(st, wave)
        assert "dim_leadership" not in after.columns
        assert after["n_respondents"].to_list() == before["n_respondents"].to_list()
        assert after["suppressed"].to_list() == before["suppressed"].to_list()
        means = pl.mean_horizontal(pl.col("^dim_.*$"))
        shown = after.filter(~pl.col("suppressed"))
        assert (shown["engagement"] - shown.select(means).to_series()).abs().max() < 1e-11
        counts = quality.response_counts(st).filter(pl.col("wave") == wave).row(0, named=True)
        assert counts["counted"] == counts["respondents"]
        assert quality.aggregation(st, wave).n_branches_rwg == counts["branches_shown"]
        scales = quality.reliability(st, wave)["dimension_id"].to_list()
        assert "leadership" not in scales and "index" in scales  # as in the index
    finally:
        st.close()


def test_the_methods_figures_carry_nothing_of_a_hidden_branch(stores, demo_data):
    """The Methods page's ICC, REML model, r_wg(j) and reliability stand on the branches shown:
    the answers of the hidden branches, turned around, change none of them. With them in, a
    hidden branch's mean followed from the REML mean (a weighted mean over every branch) and
    the shown branches' n and means, its spread from the ANOVA's within sum of squares and
    the shown branches' SDs (a QA pass's subtraction attack)."""
    st = stores.open()
    demo.seed_store(st, demo_data)
    wave = "2025-H2"
    try:
        table = analysis.branch_table(st, wave)
        hidden = table.filter(pl.col("suppressed") & (pl.col("n_respondents") > 0))
        shown = table.filter(~pl.col("suppressed"))
        assert hidden.height > 0
        before = quality.data_quality(st, wave)
        icc = before[0].icc
        assert (icc.n, icc.n_groups) == (shown["n_respondents"].sum(), shown.height)

        def hidden_mean(store) -> float:
            answers = analysis.respondent_engagement(store, wave)
            return answers.filter(pl.col("branch_id").is_in(hidden["branch_id"].implode()))[
                "engagement"
            ].mean()

        old_mean = hidden_mean(st)
        with st.transaction() as cur:  # every answer of the hidden branches turned around
            for branch in hidden["branch_id"]:
                cur.execute(
                    """UPDATE response_scores SET score = 6 - score
                       WHERE response_id IN (SELECT response_id FROM active_responses
                                             WHERE wave = ? AND branch_id = ?)""",
                    [wave, branch],
                )
        # the hidden branches' answers did change: their mean index moved
        assert hidden_mean(st) != pytest.approx(old_mean, abs=0.1)
        after = quality.data_quality(st, wave)
        for name in ("icc1", "icc2", "msb", "msw", "n", "n_groups"):
            assert getattr(after[0].icc, name) == pytest.approx(getattr(icc, name), rel=1e-9)
        for name in ("tau00", "sigma2", "mean", "loglik"):
            assert getattr(after[0].icc_mixed, name) == pytest.approx(
                getattr(before[0].icc_mixed, name), rel=1e-9
            )
        assert after[1].equals(before[1])  # r_wg(j)
        from polars.testing import assert_frame_equal

        assert_frame_equal(after[2], before[2], rel_tol=1e-6)  # alpha and omega
    finally:
        st.close()
