"""The analysis slice against figures recomputed independently from the raw demo frames."""

from __future__ import annotations

import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loyalty import analysis, confidentiality, dashboard, demo, stats


def _dimension_scores(store, wave: str) -> pl.DataFrame:
    """Each respondent's mean of each dimension (reverse items recoded), one step at a time:
    the reference the branch table's one-pass query is checked against."""
    return store.sql(
        """
        SELECT r.branch_id, r.response_id, i.dimension_id,
               avg(CASE WHEN i.reverse THEN i.scale_min + i.scale_max - s.score
                        ELSE s.score END) AS dim_score
        FROM active_scores s
        JOIN active_responses r USING (response_id)
        JOIN items i USING (item_id)
        WHERE i.in_index AND r.wave = ?
        GROUP BY r.branch_id, r.response_id, i.dimension_id
        """,
        [wave],
    )


def _manual_engagement(data: demo.DemoData, branch_id: str, wave: str) -> tuple[float, int]:
    items = data.items.select("item_id", "dimension_id", "reverse")
    resp = data.responses.filter((pl.col("branch_id") == branch_id) & (pl.col("wave") == wave))
    scores = (
        data.scores.join(resp.select("response_id"), on="response_id")
        .join(items, on="item_id")
        .with_columns(
            pl.when(pl.col("reverse"))
            .then(6 - pl.col("score"))
            .otherwise(pl.col("score"))
            .alias("v")
        )
    )
    per_person = (
        scores.group_by("response_id", "dimension_id")
        .agg(pl.col("v").mean())
        .group_by("response_id")
        .agg(pl.col("v").mean())
    )
    return float(per_person["v"].mean()), per_person.height


def test_engagement_index_is_mean_of_dimension_means_with_reverse_items_recoded(
    demo_store, demo_data
):
    table = analysis.branch_table(demo_store, "2025-H1")
    for branch_id in ("B001", "B042", "B100"):
        row = table.filter(pl.col("branch_id") == branch_id).row(0, named=True)
        mean, n = _manual_engagement(demo_data, branch_id, "2025-H1")
        assert row["n_respondents"] == n
        if n >= 5:
            assert row["engagement"] == pytest.approx(mean, rel=1e-12)
            assert row["engagement_low"] < row["engagement"] < row["engagement_high"]


def test_loyalty_and_return_figures(demo_store, demo_data):
    table = analysis.branch_table(demo_store, "2024-H2")
    row = table.filter(pl.col("branch_id") == "B007").row(0, named=True)
    loy = demo_data.loyalty.filter((pl.col("branch_id") == "B007") & (pl.col("wave") == "2024-H2"))
    pro, pas, det = (loy[c][0] for c in ("promoters", "passives", "detractors"))
    assert row["nps"] == pytest.approx(100 * (pro - det) / (pro + pas + det))
    assert row["nps_answers"] == pro + pas + det
    assert row["nps_low"] < row["nps"] < row["nps_high"]
    assert row["retention"] == pytest.approx(
        100 * loy["retained_customers"][0] / loy["active_customers"][0]
    )
    assert row["retention_low"] < row["retention"] < row["retention_high"]
    fin = demo_data.financials.filter(
        (pl.col("branch_id") == "B007") & (pl.col("wave") == "2024-H2")
    )
    assert row["ros"] == pytest.approx(100 * fin["operating_profit"][0] / fin["revenue"][0])


def test_every_waves_table_is_each_waves_table_one_after_the_other(demo_store):
    whole = analysis.branch_table(demo_store, None)
    waves = analysis.waves(demo_store)
    assert whole["wave"].unique(maintain_order=True).to_list() == waves
    for wave in waves:
        alone = analysis.branch_table(demo_store, wave)
        # DuckDB's parallel sums differ in the last bits from one query to the next
        assert_frame_equal(whole.filter(pl.col("wave") == wave), alone, rel_tol=1e-9)
    assert whole.equals(whole.sort("wave_seq", "branch_id"))


def test_a_dimension_one_wave_did_not_ask_is_null_in_that_wave():
    first = pl.DataFrame(
        {"branch_id": ["B2", "B1"], "wave": "2025-H1", "wave_seq": 1, "dim_a": [3.0, 4.0]}
    )
    second = pl.DataFrame(
        {"branch_id": ["B1", "B2"], "wave": "2025-H2", "wave_seq": 2, "dim_a": [3.5, 4.5],
         "dim_b": [2.0, None]}
    )  # fmt: skip
    whole = analysis.every_wave([second, first])
    assert whole.rows() == [
        ("B1", "2025-H1", 1, 4.0, None),
        ("B2", "2025-H1", 1, 3.0, None),
        ("B1", "2025-H2", 2, 3.5, 2.0),
        ("B2", "2025-H2", 2, 4.5, None),
    ]


def test_the_loyalty_column_follows_the_chosen_measure(demo_store):
    nps = analysis.branch_table(demo_store, "2025-H2", loyalty="nps")
    ret = analysis.branch_table(demo_store, "2025-H2", loyalty="retention")
    assert nps["loyalty"].equals(nps["nps"], check_names=False)
    assert ret["loyalty"].equals(ret["retention"], check_names=False)


def test_chain_links_leave_out_suppressed_branches_and_recover_positive_links(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    links = {link.key: link for link in analysis.chain_links(table)}
    shown = int((~table["suppressed"]).sum())
    assert links["engagement_loyalty"].result.n == shown
    assert links["engagement_return"].result.n == shown
    assert links["loyalty_return"].result.n == table.height
    for link in links.values():
        low, high = link.result.ci
        assert 0 < low < link.result.r < high < 1, link


def test_headline_ratio_has_an_interval_and_counts(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    ratio = analysis.headline_ratio(table, n_boot=500)
    assert ratio.ci[0] < ratio.ratio < ratio.ci[1]
    assert ratio.n == 120 and ratio.n_top == ratio.n_bottom == 30
    assert ratio.ratio == pytest.approx(ratio.top_mean / ratio.bottom_mean)


def test_company_benchmark_pools_loyalty_over_all_branches(demo_store, demo_data):
    table = analysis.branch_table(demo_store, "2025-H2")
    bench = analysis.company_benchmark(table)
    loy = demo_data.loyalty.filter(pl.col("wave") == "2025-H2")
    pro, pas, det = (loy[c].sum() for c in ("promoters", "passives", "detractors"))
    assert bench.nps == pytest.approx(100 * (pro - det) / (pro + pas + det))
    assert bench.n_branches == 120
    assert bench.n_branches_shown == int((~table["suppressed"]).sum())


def test_ranks_count_only_branches_with_a_value(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    best = table.sort("nps", descending=True)["branch_id"][0]
    assert analysis.ranks(table, best)["nps"] == (1, 120)
    hidden = table.filter(pl.col("suppressed"))["branch_id"][0]
    rank, of = analysis.ranks(table, hidden)["engagement"]
    assert rank is None and of == int((~table["suppressed"]).sum())


def test_churn_shares_sum_to_one_and_staff_share(demo_store):
    company = analysis.churn_shares(demo_store, "2025-H2")
    branch = analysis.churn_shares(demo_store, "2025-H2", "B042")
    assert company["share"].sum() == pytest.approx(1)
    assert branch["share"].sum() == pytest.approx(1)
    assert company["customers"].sum() > branch["customers"].sum()
    assert 0.55 < analysis.staff_share(company) < 0.8


def test_a_branch_s_churn_reasons_from_the_wave_s_one_query(stores, demo_data):
    """The Branch page's churn reasons come from one query over every branch of the wave,
    filtered per branch: the same frame as the query for that branch alone, for every
    branch, also one with no churn reasons in the wave (an empty frame of the same schema),
    on both backends."""
    store = stores.open()
    demo.seed_store(store, demo_data)
    wave = "2025-H2"
    with store.transaction() as cur:
        cur.execute("DELETE FROM churn_reasons WHERE branch_id = 'B007' AND wave = ?", [wave])
        # a branch that lost no customer: 0 of 0 is no share (not a division by zero)
        cur.execute(
            "UPDATE churn_reasons SET customers = 0 WHERE branch_id = 'B011' AND wave = ?", [wave]
        )
    try:
        board = dashboard.Dashboard(store)
        ids = store.sql("SELECT branch_id FROM branches ORDER BY 1")["branch_id"].to_list()
        for branch_id in ids:
            alone = analysis.churn_shares(store, wave, branch_id)
            assert_frame_equal(board.churn(wave, branch_id), alone)
        assert board.churn(wave, "B007").is_empty() and len(ids) == 120
        lost_none = board.churn(wave, "B011")
        assert lost_none.height > 0 and lost_none["share"].null_count() == lost_none.height
        every = analysis.churn_shares_by_branch(store, wave)
        assert every["branch_id"].n_unique() == 119  # B007's reasons are gone
        assert_frame_equal(board.churn(wave), analysis.churn_shares(store, wave))
    finally:
        store.close()


def test_branch_trend_has_one_row_per_wave_with_company_figures(demo_store):
    table = analysis.branch_table(demo_store)
    trend = analysis.branch_trend(table, "B042")
    assert trend["wave"].to_list() == analysis.waves(demo_store)
    assert trend["company_nps"].null_count() == 0
    # the company's figures per wave, as the Branch page passes them from its cache
    benchmarks = analysis.company_benchmarks(table)
    assert list(benchmarks) == analysis.waves(demo_store)
    wave = "2025-H2"
    assert benchmarks[wave] == analysis.company_benchmark(table.filter(pl.col("wave") == wave))
    assert analysis.branch_trend(table, "B042", benchmarks).equals(trend)


def test_find_branches_searches_id_and_name(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    name = table.filter(pl.col("branch_id") == "B042")["name"][0]
    assert "B042" in analysis.find_branches(table, name.upper())["branch_id"].to_list()
    assert analysis.find_branches(table, "b04")["branch_id"].to_list()[:1] == ["B040"]
    assert analysis.find_branches(table, "").height == table.height


def test_finite():
    assert analysis.finite(1.0)
    assert not analysis.finite(None) and not analysis.finite(math.nan)


def test_exclusions_list_every_left_out_branch_with_its_reason(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    out = analysis.exclusions(table)
    hidden = set(table.filter(pl.col("suppressed"))["branch_id"])
    listed = set(out.filter(pl.col("reason").is_in(["below_minimum", "no_responses"]))["branch_id"])
    assert listed == hidden and hidden
    assert (out["minimum"] == 5).all()
    below = out.filter(pl.col("reason") == "below_minimum")
    assert (below["n_respondents"] < 5).all() and (below["n_respondents"] > 0).all()
    # a branch without finance data is listed as such
    no_fin = table.with_columns(
        pl.when(pl.col("branch_id") == "B001").then(None).otherwise(pl.col("ros")).alias("ros")
    )
    assert (
        "B001"
        in analysis.exclusions(no_fin)
        .filter(pl.col("reason") == "no_finance")["branch_id"]
        .to_list()
    )


def test_branch_filter_combines_region_format_size_and_search(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    f = analysis.BranchFilter(
        regions=("Nord", "Süd"), formats=("City",), min_headcount=10, max_headcount=30
    )
    out = f.apply(table)
    assert out.height > 0
    assert set(out["region"]) <= {"Nord", "Süd"} and set(out["format"]) == {"City"}
    assert out["headcount"].min() >= 10 and out["headcount"].max() <= 30
    expected = table.filter(
        pl.col("region").is_in(["Nord", "Süd"])
        & (pl.col("format") == "City")
        & pl.col("headcount").is_between(10, 30)
    )
    assert out.height == expected.height
    assert analysis.BranchFilter().apply(table).height == table.height
    name = table["name"][0]
    assert analysis.BranchFilter(query=name).apply(table)["name"].to_list()[0] == name


def test_branch_filter_sorts_and_finds_neighbours(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    f = analysis.BranchFilter(regions=("Nord",), sort="nps", descending=True)
    ordered = f.apply(table)
    nps = ordered["nps"].drop_nulls().to_list()
    assert nps == sorted(nps, reverse=True)
    ids = ordered["branch_id"].to_list()
    assert f.neighbours(table, ids[0]) == (None, ids[1])
    assert f.neighbours(table, ids[5]) == (ids[4], ids[6])
    assert f.neighbours(table, ids[-1]) == (ids[-2], None)
    outside = table.filter(pl.col("region") != "Nord")["branch_id"][0]
    assert f.neighbours(table, outside) == (None, None)
    # hidden engagement sorts last, never by a number
    by_eng = analysis.BranchFilter(sort="engagement").apply(table)
    assert by_eng.tail(int(by_eng["suppressed"].sum()))["suppressed"].all()


def test_branch_filter_round_trips_through_the_url():
    f = analysis.BranchFilter(("Nord", "Süd"), ("City",), 10, 30, "Ham", "ros", True)
    assert f.to_query() == {
        "region": "Nord,Süd",
        "format": "City",
        "size": "10,30",
        "q": "Ham",
        "sort": "ros",
        "desc": "1",
    }
    assert analysis.BranchFilter.from_query(f.to_query()) == f
    assert analysis.BranchFilter().to_query() == {}
    odd = analysis.BranchFilter.from_query({"sort": "drop table", "size": "x,3", "desc": "yes"})
    assert odd == analysis.BranchFilter()


def test_branch_list_hides_suppressed_scores_and_says_why(demo_store):

    table = analysis.branch_table(demo_store, "2025-H2")
    listing = analysis.branch_list(table, "fewer than 5 responses")
    assert listing.columns == list(analysis.LIST_COLUMNS)
    hidden = listing.filter(pl.col("note") != "")
    assert hidden.height == int(table["suppressed"].sum())
    assert hidden["engagement"].null_count() == hidden.height
    assert set(hidden["note"]) == {"fewer than 5 responses"}


def test_dimension_deviations_against_the_median_of_shown_branches(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    dev = analysis.dimension_deviations(table)
    assert dev.height == table.height * 4
    shown = table.filter(~pl.col("suppressed"))
    med = shown["dim_leadership"].median()
    row = dev.filter(
        (pl.col("branch_id") == shown["branch_id"][0]) & (pl.col("dimension_id") == "leadership")
    )
    assert row["deviation"][0] == pytest.approx(shown["dim_leadership"][0] - med)
    hidden = dev.filter(pl.col("suppressed"))
    assert hidden["score"].null_count() == hidden.height == hidden["deviation"].null_count()


def test_compare_gives_every_measure_per_branch_with_intervals(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    hidden = table.filter(pl.col("suppressed"))["branch_id"][0]
    dims = analysis.dimensions(demo_store)["dimension_id"].to_list()
    long = analysis.compare(table, ["B042", "B001", hidden], dims)
    assert long["branch_id"].unique(maintain_order=True).to_list() == ["B042", "B001", hidden]
    measures = long["measure"].unique(maintain_order=True).to_list()
    assert measures == ["engagement", "nps", "retention", "ros", *[f"dim_{d}" for d in dims]]
    b042 = table.filter(pl.col("branch_id") == "B042").row(0, named=True)
    nps = long.filter((pl.col("branch_id") == "B042") & (pl.col("measure") == "nps")).row(
        0, named=True
    )
    assert (nps["value"], nps["low"], nps["high"], nps["n"]) == pytest.approx(
        (b042["nps"], b042["nps_low"], b042["nps_high"], b042["nps_answers"])
    )
    scores = long.filter(
        (pl.col("branch_id") == hidden) & pl.col("measure").str.contains("^(engagement|dim_)")
    )
    assert scores["suppressed"].all() and scores["value"].null_count() == scores.height
    assert not long.filter((pl.col("branch_id") == hidden) & (pl.col("measure") == "nps"))[
        "suppressed"
    ][0]
    company = analysis.company_values(analysis.company_benchmark(table))
    assert set(company) == set(measures)
    assert analysis.unmeasured_dimensions(table, dims) == []
    # every branch below the minimum (a small scope): the values are hidden, the dimensions
    # were still asked and answered
    hidden_all = table.filter(pl.col("suppressed"))
    assert hidden_all.height and hidden_all["dim_motivation"].null_count() == hidden_all.height
    assert analysis.unmeasured_dimensions(hidden_all, dims) == []
    # a dimension the wave left out: no branch has a value, no rows, named in its place
    left_out = table.with_columns(
        pl.lit(None, pl.Float64).alias(f"dim_{dims[1]}"), pl.lit(0).alias(f"n_dim_{dims[1]}")
    )
    assert analysis.unmeasured_dimensions(left_out, dims) == [dims[1]]
    fewer = analysis.compare(left_out, ["B042", "B001"], dims)["measure"].unique().to_list()
    assert set(fewer) == set(measures) - {f"dim_{dims[1]}"}
    # a wave that did not ask it at all has no column for it
    not_asked = table.drop(f"dim_{dims[2]}", f"n_dim_{dims[2]}")
    assert analysis.unmeasured_dimensions(not_asked, dims) == [dims[2]]
    assert analysis.unmeasured_dimensions(not_asked) == []  # only its own columns


def test_a_wave_with_answers_but_no_loyalty_or_finance_yet(demo_store):
    """A new survey wave imported before sales and finance: engagement only, no crash."""
    table = (
        analysis.branch_table(demo_store, "2025-H2")
        .with_columns(
            pl.lit(None, pl.Int64).alias(c)
            for c in (
                "active_customers",
                "retained_customers",
                "promoters",
                "passives",
                "detractors",
            )
        )
        .with_columns(pl.lit(None, pl.Float64).alias(c) for c in ("revenue", "operating_profit"))
    )
    bench = analysis.company_benchmark(table)
    assert bench.engagement is not None and bench.nps_answers == 0
    assert math.isnan(bench.nps) and math.isnan(bench.retention) and math.isnan(bench.ros)


def test_complete_waves_are_those_with_loyalty_and_finance(demo_store, demo_data):
    assert analysis.complete_waves(demo_store) == demo_data.waves["wave"].to_list()


def test_ranks_skip_missing_values_share_ties_and_count_only_values():
    table = pl.DataFrame(
        {
            "branch_id": ["a", "b", "c", "d"],
            "engagement": [3.0, None, 4.0, 4.0],
            "nps": [1.0, 2.0, None, 3.0],
            "retention": [None, None, None, None],
            "ros": [1.0, 1.0, 2.0, 0.5],
        },
        schema_overrides={"retention": pl.Float64},
    )
    assert analysis.ranks(table, "a") == {
        "engagement": (3, 3),
        "nps": (3, 3),
        "retention": (None, 0),
        "ros": (2, 4),
    }
    assert analysis.ranks(table, "d")["engagement"] == (1, 3)  # tied with c
    assert analysis.ranks(table, "b")["engagement"] == (None, 3)
    assert analysis.ranks(table, "x") == {
        "engagement": (None, 3),
        "nps": (None, 3),
        "retention": (None, 0),
        "ros": (None, 4),
    }


def test_branch_engagement_is_the_exact_mean_rounded_so_runs_agree(demo_store):
    """DuckDB adds doubles in a different order from run to run; the branch means are the
    exact mean of the respondents' indexes, rounded to stats.MEAN_DECIMALS, whatever that order."""
    from fractions import Fraction

    wave = "2025-H2"
    dims = _dimension_scores(demo_store, wave)
    per_respondent: dict[tuple[str, int], list[Fraction]] = {}
    for branch, response, score in dims.select("branch_id", "response_id", "dim_score").rows():
        per_respondent.setdefault((branch, response), []).append(Fraction(score))
    per_branch: dict[str, list[Fraction]] = {}
    for (branch, _), scores in per_respondent.items():
        per_branch.setdefault(branch, []).append(sum(scores) / len(scores))
    exact = {b: round(float(sum(v) / len(v)), stats.MEAN_DECIMALS) for b, v in per_branch.items()}

    before_suppression = analysis._engagement_by_branch(demo_store, wave)
    got = dict(before_suppression.select("branch_id", "engagement").rows())
    assert len(got) == 120
    assert got == exact
    shown = analysis.branch_table(demo_store, wave).drop_nulls("engagement")
    assert shown.height > 100
    assert all(exact[b] == e for b, e in shown.select("branch_id", "engagement").rows())


def _step_by_step(store, wave: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each respondent's index and each branch's engagement, one aggregation at a time from
    :func:`_dimension_scores`: the reference for the one-pass query. A dimension at least
    half of the wave's respondents answered was asked; only the respondents who answered
    every asked dimension count, and only in those."""
    dims = _dimension_scores(store, wave)
    everyone = dims["response_id"].n_unique()
    answers = dims.group_by("dimension_id").agg(pl.col("response_id").n_unique().alias("n"))
    asked = answers.filter(pl.col("n") >= confidentiality.ASKED_SHARE * everyone)["dimension_id"]
    dims = dims.filter(pl.col("dimension_id").is_in(asked.implode()))
    every = dims.group_by("response_id").agg(pl.col("dimension_id").n_unique().alias("k"))
    dims = dims.join(every.filter(pl.col("k") == asked.len()), on="response_id", how="semi")
    people = dims.group_by("branch_id", "response_id").agg(
        pl.col("dim_score").mean().alias("index")
    )
    branches = (
        people.group_by("branch_id")
        .agg(
            pl.len().cast(pl.Int64).alias("n_respondents"),
            pl.col("index").mean().alias("engagement"),
            pl.col("index").std().alias("engagement_sd"),
        )
        .join(
            dims.group_by("branch_id", "dimension_id")
            .agg(pl.col("dim_score").mean())
            .pivot(on="dimension_id", index="branch_id", values="dim_score")
            .rename(lambda c: c if c == "branch_id" else f"dim_{c}"),
            on="branch_id",
        )
        .join(  # each dimension's n: the respondents who answered it
            dims.group_by("branch_id", "dimension_id")
            .agg(pl.col("response_id").n_unique().cast(pl.Int64).alias("n"))
            .pivot(on="dimension_id", index="branch_id", values="n")
            .rename(lambda c: c if c == "branch_id" else f"n_dim_{c}"),
            on="branch_id",
        )
        .sort("branch_id")
    )
    return people, branches


def _agrees_with_step_by_step(store, wave: str) -> list[str]:
    """Asserts the one-pass figures of ``wave`` equal the step-by-step ones; returns the
    dimension columns of the branch table."""
    people, expected = _step_by_step(store, wave)
    each = analysis.respondent_engagement(store, wave).select(
        "branch_id", "response_id", pl.col("engagement").alias("index")
    )
    assert_frame_equal(
        each.sort("response_id"),
        people.sort("response_id"),
        check_exact=False,
        rel_tol=1e-12,
        check_dtypes=False,
    )
    got = analysis._engagement_by_branch(store, wave).sort("branch_id")
    assert_frame_equal(got.select(expected.columns), expected, check_exact=False, rel_tol=1e-10)
    return sorted(c for c in got.columns if c.startswith("dim_"))


def test_engagement_of_respondents_who_skipped_a_dimension(stores, demo_data):
    """A respondent who skipped a dimension the wave asked counts in no engagement figure (not
    in the index, not in the other dimensions, not in n), so a branch's index is the mean of
    its dimension means over the same respondents; a dimension nobody answered in a wave was
    not asked (no column) and leaves everybody counted; items outside the index count nowhere;
    without any item in the index nobody has an index. Checked against the respondents'
    dimension scores aggregated one step at a time, on both backends."""
    store = stores.open()
    demo.seed_store(store, demo_data)
    with store.transaction() as cur:  # answers the demo never leaves out
        cur.execute(
            """DELETE FROM response_scores WHERE item_id IN
                   (SELECT item_id FROM items WHERE dimension_id = 'leadership')
               AND response_id % 3 = 0"""
        )
        cur.execute(
            """DELETE FROM response_scores WHERE item_id IN
                   (SELECT item_id FROM items WHERE dimension_id = 'motivation')
               AND response_id IN (SELECT response_id FROM responses WHERE wave = '2024-H2')"""
        )
    try:
        # nobody answered motivation in 2024-H2
        assert _agrees_with_step_by_step(store, "2024-H2") == [
            "dim_commitment",
            "dim_customer_focus",
            "dim_leadership",
        ]
        assert len(_agrees_with_step_by_step(store, "2025-H1")) == 4
        # a third skipped leadership: they count nowhere, the others everywhere
        people, _ = _step_by_step(store, "2025-H1")
        answers = _dimension_scores(store, "2025-H1")
        leading = answers.filter(pl.col("dimension_id") == "leadership")
        everyone = answers["response_id"].n_unique()
        assert people.height == leading.height < everyone
        assert people.join(leading, on="response_id", how="anti").is_empty()
        table = analysis.branch_table(store, "2025-H1").filter(~pl.col("suppressed"))
        assert table["n_respondents"].sum() <= people.height
        means = pl.mean_horizontal(pl.col("^dim_.*$"))  # no respondent's answers apart
        assert (table["engagement"] - table.select(means).to_series()).abs().max() < 1e-11
        for c in (c for c in table.columns if c.startswith("n_dim_")):
            assert table[c].to_list() == table["n_respondents"].to_list()
        # the Methods page's ICC reads the same respondents (from the wide answers)
        from loyalty import quality

        wide = quality._counted(quality._items(store), quality._respondent_items(store, "2025-H1"))[
            0
        ]
        sql = analysis.respondent_engagement(store, "2025-H1")
        assert (
            sorted(wide["response_id"])
            == sorted(sql["response_id"])
            == sorted(people["response_id"])
        )

        every = analysis._engagement_by_branch(store, None)  # every wave in one query
        one_by_one = pl.concat(
            [analysis._engagement_by_branch(store, w) for w in analysis.waves(store)],
            how="diagonal_relaxed",
        ).with_columns(pl.col("^n_dim_.*$").fill_null(0))  # a wave without it: nobody answered
        assert_frame_equal(
            every.sort("wave", "branch_id"),
            one_by_one.select(every.columns).sort("wave", "branch_id"),
            check_exact=False,
            rel_tol=1e-10,
        )

        with store.transaction() as cur:  # an item and then a dimension out of the index
            cur.execute("UPDATE items SET in_index = false WHERE item_id = 'LEA1'")
            cur.execute("UPDATE items SET in_index = false WHERE dimension_id = 'commitment'")
        assert "dim_commitment" not in _agrees_with_step_by_step(store, "2025-H1")

        with store.transaction() as cur:
            cur.execute("UPDATE items SET in_index = false")
        assert analysis.respondent_engagement(store, "2025-H1").is_empty()
        none = analysis._engagement_by_branch(store, "2025-H1")
        assert none.is_empty()
        assert none.columns == [
            "wave",
            "branch_id",
            "n_respondents",
            "engagement",
            "engagement_sd",
        ]
    finally:
        store.close()
