"""ICC(1)/ICC(2) against R's multilevel package (reference values in shared/reference-data)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from statsmodels.regression.mixed_linear_model import MixedLMParams

from loyalty import stats


@pytest.mark.reference
def test_icc_matches_multilevel_on_bhr2000(reference_data):
    frame = pl.read_csv(reference_data / "bhr2000.csv")
    res = stats.icc(frame, "HRS", "GRP")
    assert res.msb == pytest.approx(34.40251, abs=1e-5)
    assert res.msw == pytest.approx(2.75258, abs=1e-5)
    assert res.f_value == pytest.approx(12.49826, abs=1e-5)
    assert res.icc1 == pytest.approx(0.1741008079, abs=1e-7)
    assert res.icc2 == pytest.approx(0.9199888939, abs=1e-7)
    assert res.n == 5400 and res.n_groups == 99
    assert res.p_value < 1e-100


def test_icc_is_zero_ish_without_group_differences_and_high_with_them():
    rng = np.random.default_rng(0)
    group = np.repeat(np.arange(50), 20)
    flat = pl.DataFrame({"g": group, "v": rng.normal(size=1000)})
    assert abs(stats.icc(flat, "v", "g").icc1) < 0.05
    strong = pl.DataFrame({"g": group, "v": rng.normal(size=1000) + 2 * rng.normal(size=50)[group]})
    assert stats.icc(strong, "v", "g").icc1 > 0.6


# --- icc_mixed: REML null model -------------------------------------------------------------


@pytest.mark.reference
def test_icc_mixed_matches_the_published_null_model_of_bh1996(reference_data):
    """Bliese (2016), Multilevel Modeling in R (2.6), section 3.6: nlme::lme(WBEING ~ 1,
    random = ~1 | GRP) gives VarCorr intercept 0.03580079, residual 0.78949727, ICC .04337922;
    the ANOVA ICC(1) of the same variable is .04336905."""
    bh = pl.read_csv(reference_data / "bh1996.csv")
    res = stats.icc_mixed(bh, "WBEING", "GRP")
    assert res.tau00 == pytest.approx(0.03580079, abs=1e-7)
    assert res.sigma2 == pytest.approx(0.78949727, abs=1e-7)
    assert res.icc1 == pytest.approx(0.04337922, abs=1e-7)
    assert res.n == 7382 and res.n_groups == 99
    assert res.icc1 == pytest.approx(stats.icc(bh, "WBEING", "GRP").icc1, abs=1e-4)


@pytest.mark.reference
def test_icc_mixed_agrees_with_statsmodels_mixedlm_on_bh1996(reference_data):
    bh = pl.read_csv(reference_data / "bh1996.csv")
    for value in ("WBEING", "LEAD", "COHES", "HRS"):
        res = stats.icc_mixed(bh, value, "GRP")
        data = bh.select("GRP", value).drop_nulls()
        y = data[value].to_numpy()
        model = sm.MixedLM(y, np.ones((len(y), 1)), groups=data["GRP"].to_numpy())
        fit = model.fit(reml=True)
        assert res.tau00 == pytest.approx(float(fit.cov_re[0, 0]), rel=2e-3)
        assert res.sigma2 == pytest.approx(float(fit.scale), rel=1e-4)
        assert res.mean == pytest.approx(float(fit.fe_params[0]), abs=1e-4)
        # Same REML criterion: statsmodels evaluated at our estimates gives our log-likelihood,
        # which is at least as high as statsmodels' own optimum.
        ours = MixedLMParams.from_components(
            fe_params=np.array([res.mean]), cov_re=np.array([[res.tau00 / res.sigma2]])
        )
        assert float(model.loglike(ours, profile_fe=False)) == pytest.approx(res.loglik, abs=1e-6)
        assert res.loglik >= fit.llf - 1e-7


@pytest.mark.reference
def test_group_mean_reliability_is_gmeanrel_on_bh1996(reference_data):
    bh = pl.read_csv(reference_data / "bh1996.csv")
    res = stats.icc_mixed(bh, "WBEING", "GRP")
    sizes = bh.group_by("GRP").len()["len"].to_numpy()
    icc1 = res.icc1
    gmeanrel = sizes * icc1 / (1 + (sizes - 1) * icc1)  # multilevel::GmeanRel
    assert res.mean_group_reliability == pytest.approx(gmeanrel.mean(), abs=1e-12)


def _balanced(seed, groups=30, size=8, tau=0.5):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(groups), size)
    u = rng.normal(0, np.sqrt(tau), groups)
    return pl.DataFrame({"g": g, "v": 10 + u[g] + rng.normal(size=groups * size)})


def test_icc_mixed_equals_anova_on_balanced_data():
    """With equal group sizes the REML estimates are the ANOVA ones when MSB > MSW."""
    frame = _balanced(5)
    mixed, anova = stats.icc_mixed(frame, "v", "g"), stats.icc(frame, "v", "g")
    assert mixed.tau00 == pytest.approx((anova.msb - anova.msw) / 8, rel=1e-9)
    assert mixed.sigma2 == pytest.approx(anova.msw, rel=1e-9)
    assert mixed.icc1 == pytest.approx(anova.icc1, rel=1e-9)
    assert mixed.mean_group_reliability == pytest.approx(anova.icc2, rel=1e-9)
    assert mixed.mean == pytest.approx(frame["v"].mean(), rel=1e-12)


def test_icc_mixed_boundary_when_groups_differ_less_than_chance():
    frame = pl.DataFrame({"g": [1, 1, 2, 2, 3, 3], "v": [1.0, 3.0, 1.6, 2.6, 0.9, 2.9]})
    assert 0 < stats.icc(frame, "v", "g").msb < stats.icc(frame, "v", "g").msw
    res = stats.icc_mixed(frame, "v", "g")
    assert res.tau00 == 0.0 and res.icc1 == 0.0 and res.mean_group_reliability == 0.0
    assert res.sigma2 == pytest.approx(frame["v"].var())


def test_icc_mixed_drops_missing_rows_and_is_nan_when_not_estimable():
    frame = _balanced(1).vstack(pl.DataFrame({"g": [0, None], "v": [None, 3.0]}))
    assert stats.icc_mixed(frame, "v", "g").n == 240
    one_group = pl.DataFrame({"g": [1, 1, 1], "v": [1.0, 2.0, 3.0]})
    assert math.isnan(stats.icc_mixed(one_group, "v", "g").icc1)
    singletons = pl.DataFrame({"g": [1, 2, 3], "v": [1.0, 2.0, 3.0]})
    assert math.isnan(stats.icc_mixed(singletons, "v", "g").tau00)


def _icc_mixed_on_a_million_rows():
    import time

    rng = np.random.default_rng(0)
    g = rng.integers(0, 10_000, 1_000_000)
    frame = pl.DataFrame({"g": g, "v": rng.normal(0, 0.5, 10_000)[g] + rng.normal(size=g.size)})
    start = time.perf_counter()
    res = stats.icc_mixed(frame, "v", "g")
    return res, time.perf_counter() - start


def test_icc_mixed_on_a_million_rows():
    res, _ = _icc_mixed_on_a_million_rows()
    assert res.tau00 == pytest.approx(0.25, rel=0.05) and res.sigma2 == pytest.approx(1, rel=0.01)


@pytest.mark.perf
def test_icc_mixed_is_fast_on_a_million_rows():
    _, elapsed = _icc_mixed_on_a_million_rows()
    print(f"icc_mixed on 1,000,000 rows / 10,000 groups: {elapsed:.3f} s")
    assert elapsed < 3


# --- shrunken (empirical-Bayes) group means -------------------------------------------------


def test_shrunken_means_use_the_reml_components():
    rng = np.random.default_rng(8)
    sizes = rng.integers(1, 15, 60)
    g = np.repeat(np.arange(60), sizes)
    frame = pl.DataFrame({"g": g, "v": rng.normal(0, 0.6, 60)[g] + rng.normal(size=g.size)})
    res = stats.icc_mixed(frame, "v", "g")
    out = stats.shrunken_means(frame, "v", "g")
    assert out.columns == ["g", "n", "mean", "shrunken", "low", "high", "reliability"]
    n = out["n"].to_numpy()
    lam = res.tau00 / (res.tau00 + res.sigma2 / n)
    assert out["reliability"].to_numpy() == pytest.approx(lam, rel=1e-12)
    raw = out["mean"].to_numpy()
    assert out["shrunken"].to_numpy() == pytest.approx(res.mean + lam * (raw - res.mean))
    # every shrunken mean lies between the raw mean and the grand mean
    shrunk = out["shrunken"].to_numpy()
    assert (np.abs(shrunk - res.mean) <= np.abs(raw - res.mean) + 1e-12).all()
    assert (out["low"] < out["shrunken"]).all() and (out["shrunken"] < out["high"]).all()
    # prediction-error variance: own-group part plus the grand mean's uncertainty (Henderson)
    var_mu = 1 / np.sum(1 / (res.tau00 + res.sigma2 / n))
    pev = lam * res.sigma2 / n + (1 - lam) ** 2 * var_mu
    half = (out["high"] - out["shrunken"]).to_numpy()
    assert half == pytest.approx(1.959963984540054 * np.sqrt(pev), rel=1e-9)


def test_shrunken_means_with_no_group_variance_collapse_to_the_grand_mean():
    frame = pl.DataFrame({"g": [1, 1, 2, 2, 3, 3], "v": [1.0, 3.0, 1.5, 2.5, 1.0, 3.0]})
    out = stats.shrunken_means(frame, "v", "g")
    assert out["shrunken"].to_list() == pytest.approx([2.0, 2.0, 2.0])
    assert out["reliability"].to_list() == [0.0, 0.0, 0.0]


def test_shrunken_mean_intervals_cover_the_true_group_means():
    """Simulated from the model: the 95 % posterior intervals should cover about 95 %."""
    rng = np.random.default_rng(11)
    groups = 3000
    sizes = rng.integers(1, 12, groups)
    g = np.repeat(np.arange(groups), sizes)
    true = 5 + rng.normal(0, 0.5, groups)
    frame = pl.DataFrame({"g": g, "v": true[g] + rng.normal(size=g.size)})
    out = stats.shrunken_means(frame, "v", "g")
    covered = (out["low"].to_numpy() <= true) & (true <= out["high"].to_numpy())
    assert covered.mean() == pytest.approx(0.95, abs=0.015)
    naive_error = np.abs(out["mean"].to_numpy() - true).mean()
    assert np.abs(out["shrunken"].to_numpy() - true).mean() < naive_error


def test_icc_without_any_variation_or_replication_is_nan_not_an_error():
    flat = pl.DataFrame({"v": [3.0] * 6, "g": ["a", "a", "b", "b", "c", "c"]})
    res = stats.icc(flat, "v", "g")
    assert np.isnan(res.icc1) and np.isnan(res.icc2) and res.n == 6 and res.n_groups == 3
    single = pl.DataFrame({"v": [1.0, 2.0, 3.0], "g": ["a", "b", "c"]})
    assert np.isnan(stats.icc(single, "v", "g").icc1)
    one_group = pl.DataFrame({"v": [1.0, 2.0, 3.0], "g": ["a"] * 3})
    assert np.isnan(stats.icc(one_group, "v", "g").icc2)


def test_icc_intervals_cover_the_true_value_about_95_percent():
    """Balanced one-way data with a known ICC(1) = tau / (tau + sigma2): the F-based interval
    covers it in about 95% of 400 simulated data sets (and ICC(2)'s likewise)."""
    rng = np.random.default_rng(7)
    j, k, tau, sigma2 = 30, 10, 0.2, 1.0
    true1 = tau / (tau + sigma2)
    true2 = k * tau / (k * tau + sigma2)  # reliability of a group mean of k
    hits1 = hits2 = 0
    groups = np.repeat(np.arange(j), k)
    for _ in range(400):
        values = rng.normal(0, np.sqrt(tau), j)[groups] + rng.normal(0, np.sqrt(sigma2), j * k)
        res = stats.icc(pl.DataFrame({"v": values, "g": groups}), "v", "g")
        assert res.icc1_ci[0] <= res.icc1 <= res.icc1_ci[1]
        hits1 += res.icc1_ci[0] <= true1 <= res.icc1_ci[1]
        hits2 += res.icc2_ci[0] <= true2 <= res.icc2_ci[1]
    assert 0.92 <= hits1 / 400 <= 0.98 and 0.92 <= hits2 / 400 <= 0.98


def test_groups_with_the_same_mean_get_the_same_shrunken_mean_whatever_the_row_order():
    # the same five values in two orders: summed, their means differ in the last bit
    # (3.7159999999999997 and 3.716), which would rank one above the other
    same = [3.62, 2.72, 4.47, 3.53, 4.24]
    values = {
        "a": same,
        "b": same[::-1],
        "c": [4.1, 4.5, 3.9, 4.4, 4.6],
        "d": [2.1, 2.5, 3.0, 2.2, 2.8],
    }
    frame = pl.DataFrame(
        {
            "g": [g for g, v in values.items() for _ in v],
            "v": [x for v in values.values() for x in v],
        }
    )
    out = {g: row for g, *row in stats.shrunken_means(frame, "v", "g").rows()}
    assert out["a"][1] == out["b"][1] == 3.716  # mean
    assert out["a"][2] == out["b"][2]  # shrunken
