"""The chain model on the demo data recovers the generator's ground truth (docs/demo-model.md)."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, model, tables, wording


@pytest.fixture(scope="module")
def table(demo_store):
    return analysis.branch_table(demo_store, "2025-H2")


def test_chain_paths_have_the_ground_truth_signs_and_sizes(table):
    chain = model.chain_model(table, n_boot=2000)
    res = chain.result
    assert chain.level == "branch" and chain.covariates == ("headcount",)
    # NPS = 38 * (lagged driver engagement - 3.55) + ...: the measured, lag-free slope is
    # attenuated by measurement error and the lag, but clearly positive and of that order.
    assert 20 < res.a < 45 and res.a_ci[0] > 0
    # ROS = 0.14 * (NPS - 22) + ...: b estimates 0.14 with noise from the NPS sample.
    assert 0.05 < res.b < 0.16 and res.b_ci[0] > 0
    assert res.indirect == pytest.approx(res.a * res.b)
    assert res.indirect_ci[0] > 0
    assert res.n == int(table["engagement"].is_not_null().sum())  # suppressed branches drop out


def test_power_says_when_there_are_too_few_branches():
    assert model.power(109).enough and model.power(109).min_detectable_r == pytest.approx(
        0.2656, abs=1e-3
    )
    few = model.power(40)
    assert not few.enough and few.min_detectable_r == pytest.approx(0.43, abs=0.01)
    assert "only 40 branches" in wording.power_sentence(few, "en")
    assert "Mit nur 40 Filialen" in wording.power_sentence(few, "de")


def test_drivers_rank_customer_focus_first_and_sum_to_r2(table):
    weights = model.drivers(table, n_boot=500)
    assert weights["dimension_id"][0] == "customer_focus"  # true weight .40, the largest
    assert weights["raw_weight"].sum() == pytest.approx(weights["r2"][0])
    assert (weights["low"] <= weights["raw_weight"]).all()
    assert (weights["raw_weight"] <= weights["high"]).all()


def test_expected_vs_actual_flags_branches_outside_the_funnel(table):
    eva = model.expected_vs_actual(table)
    assert eva.height == table.height
    shown = eva.filter(pl.col("loyalty_expected").is_not_null())
    assert shown.height == int(table["engagement"].is_not_null().sum())
    joined = shown.join(table.select("branch_id", "nps"), on="branch_id")
    above = joined.filter(pl.col("loyalty_outside") == "above")
    assert (above["nps"] > above["loyalty_high_95"]).all()
    # about 5% of branches fall outside a 95% prediction interval
    assert 0 < shown["loyalty_outside"].is_not_null().sum() < 0.15 * shown.height


def test_sentences_in_both_languages(table):
    chain = model.chain_model(table, n_boot=200)
    en, de = wording.sentences(chain, "en"), wording.sentences(chain, "de")
    assert en[0].startswith("+1 point engagement (scale 1–5) goes with +")
    assert "NPS points [95% CI" in en[0] and "(branch level)" in en[0]
    assert "NPS-Punkten einher [95\u2011%\u2011KI" in de[0]
    assert "bootstrap with 200 resamples" in en[2]


def test_lag_direction_recovers_engagement_before_loyalty(demo_store):
    """Ground truth: loyalty follows the previous wave's engagement; engagement does not
    follow loyalty. The within-branch model finds exactly that direction."""
    table = analysis.branch_table(demo_store, None)
    for loyalty in ("nps", "retention"):
        lags = model.lag_direction(table, loyalty)
        assert lags.direction == "x_to_y", loyalty
        assert lags.x_to_y.ci[0] > 0
        assert lags.y_to_x.ci[0] < 0 < lags.y_to_x.ci[1]
    sentences = wording.lag_sentences(model.lag_direction(table), "nps", "en")
    assert sentences[-1].startswith("The evidence points from engagement to NPS")
    # the measure inside the sentence: English in lower case, German with its gender
    retention = model.lag_direction(table, "retention")
    english = wording.lag_sentences(retention, "retention", "en")
    assert "→ retention next wave (at equal retention now)" in english[0]
    assert english[-1].startswith("The evidence points from engagement to retention:")
    german = wording.lag_sentences(model.lag_direction(table), "nps", "de")
    assert "→ NPS in der nächsten Welle (bei gleichem NPS jetzt)" in german[0]
    german = wording.lag_sentences(retention, "retention", "de")
    assert "(bei gleicher Kundenbindung jetzt)" in german[0]


def test_engagement_estimates_shrink_and_rank_only_shown_branches(demo_store, table):
    shown = table.filter(~pl.col("suppressed"))["branch_id"]
    resp = analysis.respondent_engagement(demo_store, "2025-H2")
    est = model.engagement_estimates(resp, shown, n_draws=1000)
    assert set(est["branch_id"]) == set(shown)  # hidden branches neither shown nor used
    # shrinkage pulls every mean towards one (GLS) grand mean by its reliability, never past it
    rel = est["reliability"]
    assert ((rel > 0) & (rel < 1)).all()
    grand = (est["shrunken"] - rel * est["mean"]) / (1 - rel)
    assert grand.max() - grand.min() < 1e-9
    mu = grand[0]
    assert ((est["shrunken"] - mu).abs() <= (est["mean"] - mu).abs() + 1e-12).all()

    assert (est["low"] < est["shrunken"]).all() and (est["shrunken"] < est["high"]).all()
    assert sorted(est["rank"].to_list()) == list(range(1, est.height + 1))
    assert (est["rank_low"] <= est["rank"]).all() and (est["rank"] <= est["rank_high"]).all()
    top = est.sort("shrunken", descending=True).row(0, named=True)
    assert top["rank"] == 1 and top["rank_low"] == 1


def test_peers_share_region_or_format_and_size(table):
    row = table.filter(pl.col("branch_id") == "B042").row(0, named=True)
    peers = model.peers(table, "B042")
    assert "B042" not in peers["branch_id"].to_list() and peers.height > 0
    assert ((peers["region"] == row["region"]) | (peers["format"] == row["format"])).all()
    margin = max(2, round(row["headcount"] * 0.3))
    assert (peers["headcount"] - row["headcount"]).abs().max() <= margin
    summary = model.peer_summary(peers)
    bench = analysis.company_benchmark(peers)
    assert summary["nps"] == bench.nps and summary["engagement"] == bench.engagement
    assert model.peer_summary(peers.clear())["nps"] is None


def test_priorities_weight_shortfalls_by_driver_share(table):
    weights = model.drivers(table, n_boot=100)
    bench = analysis.company_benchmark(table)
    # a branch below the company on every dimension
    low = table.filter(~pl.col("suppressed")).sort("engagement").row(0, named=True)
    focus = model.priorities(table, low["branch_id"], weights, bench.dimensions)
    share = dict(zip(weights["dimension_id"], weights["rescaled"], strict=True))
    for r in focus.iter_rows(named=True):
        assert r["gap"] == pytest.approx(
            low[f"dim_{r['dimension_id']}"] - bench.dimensions[r["dimension_id"]]
        )
        assert r["priority"] == pytest.approx(max(0.0, -r["gap"]) * share[r["dimension_id"]])
    assert focus["priority"].is_sorted(descending=True)
    hidden = table.filter(pl.col("suppressed"))["branch_id"][0]
    assert model.priorities(table, hidden, weights, bench.dimensions).height == 0
    # a shown branch without dimension means (a wave purged before they were kept): none
    # to rank, the same empty frame, no error
    bare = table.with_columns(
        pl.lit(None, pl.Float64).alias(c) for c in table.columns if c.startswith("dim_")
    )
    empty = model.priorities(bare, low["branch_id"], weights, bench.dimensions)
    assert empty.height == 0 and empty.schema == focus.schema


def test_priorities_without_weights_suggest_nothing(table):
    """Driver weights that cannot be estimated (NaN, too few branches) rank nothing: before,
    NaN priorities sorted first and counted as > 0, so the first dimension was suggested even
    where the branch lay above the company."""
    weights = model.drivers(table, n_boot=100).with_columns(pl.lit(float("nan")).alias("rescaled"))
    bench = analysis.company_benchmark(table)
    shown = table.filter(~pl.col("suppressed"))
    for branch in (
        shown.sort("engagement").row(0, named=True),
        shown.sort("engagement").row(-1, named=True),
    ):
        focus = model.priorities(table, branch["branch_id"], weights, bench.dimensions)
        assert focus.height and focus["priority"].null_count() == focus.height
        assert tables.top_priority(focus) is None
        below = sum(1 for g in focus["gap"] if g < 0)
        assert tables.unweighted_shortfalls(focus) == below


def test_every_step_of_the_slider_reads_the_same_paths(table, demo_store):
    """The paths' bootstrap depends on neither the branches nor the step: computed once,
    given to every what-if, the results are those of a what-if that draws them itself."""
    paths = model.what_if_paths(table, "nps", n_boot=300)
    for rule, values, delta in (("bottom_quartile", (), 0.3), ("region", ("Süd",), 0.7)):
        chosen = model.select_branches(table, rule, values)
        given = model.what_if(table, chosen, delta, n_boot=300, paths=paths)
        alone = model.what_if(table, chosen, delta, n_boot=300)
        assert given.per_branch.equals(alone.per_branch)
        assert (given.loyalty_ci, given.ros_ci, given.profit_ci, given.n_boot) == (
            alone.loyalty_ci,
            alone.ros_ci,
            alone.profit_ci,
            alone.n_boot,
        )
    # the dashboard draws them once per wave and measure, for every selection and step
    from loyalty.dashboard import Dashboard

    board = Dashboard(demo_store, n_boot=300)
    for delta in (0.1, 0.2, 0.5):
        board.what_if("2025-H2", "nps", "bottom_quartile", (), delta)
    board.what_if("2025-H2", "nps", "region", ("Süd",), 0.5)
    drawn = [key for key in board.memo._values if key[0] == "what_if_paths"]
    assert len(drawn) == 1


def test_the_bottom_quartile_of_a_scope_with_every_branch_hidden_is_empty(table):
    """No quartile of nothing, and no polars warning about comparing with None in the
    server's log on every run of such a scope."""
    import warnings

    hidden = table.with_columns(pl.lit(None, pl.Float64).alias("engagement"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chosen = model.select_branches(hidden, "bottom_quartile")
    assert chosen.is_empty() and chosen.columns == table.columns


def test_what_if_reads_the_chain_model_and_caps_at_the_scale(table):
    chosen = model.select_branches(table, "bottom_quartile")
    q1 = table["engagement"].drop_nulls().quantile(0.25, "linear")
    assert chosen.height > 0 and (chosen["engagement"] <= q1).all()
    w = model.what_if(table, chosen, 0.5, n_boot=500)
    res = model.chain_model(table, n_boot=0).result
    assert w.n_branches == chosen.height and w.n_left_out == 0 and w.mean_delta == 0.5
    assert w.loyalty_change == pytest.approx(res.a * 0.5)
    assert w.ros_change == pytest.approx(res.c * 0.5)
    expected_profit = float((chosen["revenue"] * res.c * 0.5 / 100).sum())
    assert w.profit_change == pytest.approx(expected_profit)
    assert w.per_branch["profit_change"].sum() == pytest.approx(expected_profit)
    for value, (low, high) in (
        (w.loyalty_change, w.loyalty_ci),
        (w.ros_change, w.ros_ci),
        (w.profit_change, w.profit_ci),
    ):
        assert low < value < high
    # each branch's change has its interval: the branch's share of the total's interval
    pb = w.per_branch
    assert (
        (pb["profit_low"] < pb["profit_change"]) & (pb["profit_change"] < pb["profit_high"])
    ).all()
    share = pb["revenue"] * pb["step"] / 100 / (float((chosen["revenue"] * 0.5).sum()) / 100)
    assert pb["profit_low"].to_list() == pytest.approx((share * w.profit_ci[0]).to_list())
    assert (pb["loyalty_low"] < pb["loyalty_change"]).all()
    # near the top of the scale the rise is capped at 5
    top = table.filter(pl.col("engagement").is_not_null()).sort("engagement").tail(3)
    capped = model.what_if(table, top, 5.0, n_boot=50)
    assert capped.per_branch["step"].to_list() == pytest.approx((5.0 - top["engagement"]).to_list())


def test_what_if_leaves_out_hidden_branches_and_says_so(table):
    hidden = table.filter(pl.col("suppressed"))["branch_id"].to_list()
    some = table.filter(~pl.col("suppressed"))["branch_id"].head(3).to_list()
    w = model.what_if(
        table, model.select_branches(table, "branches", tuple(hidden + some)), 0.3, n_boot=50
    )
    assert w.n_branches == 3 and w.n_left_out == len(hidden)
    assert set(w.per_branch["branch_id"]) == set(some)
    lines = wording.what_if_sentences(w, None, "en")
    assert any("too few answers" in line for line in lines)
    assert lines[-1].startswith("Caution: this rests on associations")
    with pytest.raises(ValueError):
        model.select_branches(table, "nonsense")


def test_corrected_links_keep_the_observed_values_and_correct_them_upwards(table):
    corrected = model.corrected_links(table, "nps")
    links = {link.key: link for link in analysis.chain_links(table, "nps")}
    assert set(corrected.links) == {"engagement_loyalty", "engagement_return"}
    for key, res in corrected.links.items():
        assert res.converged
        assert res.manifest_r == pytest.approx(links[key].result.r)  # same branches, same means
        assert abs(res.r) > abs(res.manifest_r)  # the reliability of the means is below 1
        assert res.r_ci[0] < res.r < res.r_ci[1]
    chain = model.chain_model(table, n_boot=0).result
    # the chain's paths, adjusted for size on the chain's branches: observed = the chain's a, c
    assert corrected.a.manifest_slope == pytest.approx(chain.a)
    assert corrected.c.manifest_slope == pytest.approx(chain.c)
    assert corrected.a.slope > chain.a and corrected.a.covariates == ("headcount",)
    assert 0.5 < corrected.a.icc2_x < 0.85  # the demo's 5-25 answers per branch


def test_corrected_sentences_say_both_values_in_both_languages(table):
    corrected = model.corrected_links(table, "nps")
    res = corrected.links["engagement_loyalty"]
    observed = analysis.chain_links(table, "nps")[0].result.r
    en = wording.corrected_link_sentence(res, observed, "en")
    de = wording.corrected_link_sentence(res, observed, "de")
    assert f"r\u00a0=\u00a0{res.r:.2f} [95% CI {res.r_ci[0]:.2f}; {res.r_ci[1]:.2f}]" in en
    assert f"instead of {observed:.2f}" in en and f"ICC(2) {res.icc2_x:.2f}" in en
    assert f"statt {observed:.2f}".replace(".", ",") in de
    assert "nur mäßig zuverlässig" in de or "ausreichend zuverlässig" in de
    chain = model.chain_model(table, n_boot=0)
    lines = wording.corrected_chain_sentences(corrected, chain, "en")
    assert f"instead of +{chain.result.a:.1f}" in lines[0]
    methods = wording.corrected_methods(corrected, "de")
    assert "Croon & van Veldhoven 2007" in methods[0] and "konvergiert" in methods[1]
    assert "Wann nicht vertrauen" in methods[-1]


def test_too_few_branches_give_no_correction_only_the_observed_value(table):
    few = table.drop_nulls("engagement").head(3)
    corrected = model.corrected_links(few, "nps")
    res = corrected.links["engagement_loyalty"]
    assert not res.converged
    assert "cannot be estimated here" in wording.corrected_link_sentence(res, 0.4, "en")
    assert (
        "lässt sich hier nicht schätzen"
        in wording.corrected_chain_sentences(corrected, model.chain_model(few, n_boot=0), "de")[0]
    )


def test_what_if_says_it_uses_the_observed_paths(table):
    corrected = model.corrected_links(table, "nps")
    selected = model.select_branches(table, "bottom_quartile")
    w = model.what_if(table, selected, 0.3, n_boot=200)
    lines = wording.what_if_sentences(w, None, "en", corrected)
    assert any("uses the observed paths" in line for line in lines)
    assert any(f"{corrected.a.slope:+.1f} instead of" in line for line in lines)
    assert any("beobachteten Pfade" in line for line in wording.what_if_sentences(w, None, "de"))
