from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from loyalty import stats


def test_pearson_matches_fisher_z_by_hand():
    rng = np.random.default_rng(3)
    x = rng.normal(size=80)
    frame = pl.DataFrame({"x": x, "y": 0.5 * x + rng.normal(size=80)})
    res = stats.correlation(frame, "x", "y")
    r = np.corrcoef(frame["x"], frame["y"])[0, 1]
    half = 1.959963984540054 / math.sqrt(80 - 3)
    assert res.r == pytest.approx(r, abs=1e-12)
    assert res.ci[0] == pytest.approx(math.tanh(math.atanh(r) - half), abs=1e-9)
    assert res.ci[1] == pytest.approx(math.tanh(math.atanh(r) + half), abs=1e-9)
    assert res.n == 80 and res.p_value < 1e-3


def test_rows_with_missing_values_are_dropped():
    frame = pl.DataFrame({"x": [1.0, 2, 3, 4, 5, None, 7], "y": [2.0, 1, 4, 3, 6, 5, None]})
    assert stats.correlation(frame, "x", "y").n == 5


def test_too_few_rows_give_nan_not_an_error():
    res = stats.correlation(pl.DataFrame({"x": [1.0, 2, 3], "y": [1.0, 2, 2]}), "x", "y")
    assert math.isnan(res.r) and res.n == 3


def test_spearman():
    frame = pl.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
    res = stats.correlation(frame, "x", "y", method="spearman")
    assert res.r == pytest.approx(sps.spearmanr(frame["x"], frame["y"]).statistic)
    assert res.ci[0] < res.r < res.ci[1]
    with pytest.raises(ValueError):
        stats.correlation(frame, "x", "y", method="kendall")


def test_reference_correlation_bh1996(reference_data):
    """Group-mean correlation of leadership and well-being in bh1996 (99 companies)."""
    bh = pl.read_csv(reference_data / "bh1996.csv")
    groups = bh.group_by("GRP").agg(pl.col("LEAD").mean(), pl.col("WBEING").mean())
    res = stats.correlation(groups, "LEAD", "WBEING")
    expected = sps.pearsonr(groups["LEAD"], groups["WBEING"])
    assert res.r == pytest.approx(expected.statistic, abs=1e-12) and res.n == 99
    assert res.r > 0.5  # the strong group-level association reported by Bliese & Halverson


def test_quartile_ratio_on_known_data():
    by = np.arange(1, 21, dtype=float)
    value = np.where(by <= 5.75, 2.0, np.where(by >= 15.25, 6.0, 4.0))
    frame = pl.DataFrame({"by": by, "value": value})
    res = stats.quartile_ratio(frame, "by", "value", n_boot=300, seed=1)
    assert res.top_mean == 6.0 and res.bottom_mean == 2.0 and res.ratio == 3.0
    assert res.n_top == res.n_bottom == 5 and res.n == 20
    assert res.ci[0] <= 3.0 <= res.ci[1]


def test_quartile_ratio_bootstrap_is_seeded_and_chunked():
    rng = np.random.default_rng(0)
    frame = pl.DataFrame({"by": rng.normal(size=200), "value": rng.uniform(1, 2, 200)})
    a = stats.quartile_ratio(frame, "by", "value", n_boot=1000, seed=5)
    b = stats.quartile_ratio(frame, "by", "value", n_boot=1000, seed=5)
    assert a == b and a.n_boot == 1000


# --- partial correlation ---------------------------------------------------------------------


def _three(n, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = 0.7 * z + rng.normal(size=n)
    y = 0.5 * z + 0.3 * x + rng.normal(size=n)
    return pl.DataFrame({"x": x, "y": y, "z": z})


def test_partial_correlation_with_one_covariate_is_the_textbook_formula():
    frame = _three(120, seed=1)
    r = np.corrcoef(frame.to_numpy(), rowvar=False)
    rxy, rxz, ryz = r[0, 1], r[0, 2], r[1, 2]
    expected = (rxy - rxz * ryz) / math.sqrt((1 - rxz**2) * (1 - ryz**2))
    res = stats.partial_correlation(frame, "x", "y", ["z"])
    assert res.r == pytest.approx(expected, abs=1e-12)
    assert res.n == 120 and res.df == 117 and res.covariates == ("z",)
    half = 1.959963984540054 / math.sqrt(120 - 3 - 1)
    assert res.ci[0] == pytest.approx(math.tanh(math.atanh(expected) - half), abs=1e-12)
    assert res.ci[1] == pytest.approx(math.tanh(math.atanh(expected) + half), abs=1e-12)


def test_partial_correlation_p_value_is_the_regression_t_test():
    import statsmodels.api as sm

    rng = np.random.default_rng(20)
    frame = _three(80, seed=2).with_columns(w=pl.Series(rng.normal(size=80)))
    res = stats.partial_correlation(frame, "x", "y", ["z", "w"])
    design = sm.add_constant(frame.select("x", "z", "w").to_numpy())
    fit = sm.OLS(frame["y"].to_numpy(), design).fit()
    assert res.p_value == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert res.df == 80 - 2 - 2


def test_partial_correlation_without_covariates_is_pearson():
    frame = _three(50, seed=3)
    res, plain = stats.partial_correlation(frame, "x", "y", []), stats.correlation(frame, "x", "y")
    assert res.r == pytest.approx(plain.r, abs=1e-12)
    assert res.p_value == pytest.approx(plain.p_value, rel=1e-9)
    assert res.ci == pytest.approx(plain.ci, abs=1e-9)


def test_partial_correlation_drops_missing_rows_and_is_nan_when_too_small():
    frame = _three(30, seed=4).with_columns(
        z=pl.when(pl.int_range(30) < 3).then(None).otherwise(pl.col("z"))
    )
    assert stats.partial_correlation(frame, "x", "y", ["z"]).n == 27
    tiny = stats.partial_correlation(frame.tail(4), "x", "y", ["z"])
    assert math.isnan(tiny.r) and tiny.n == 4


# --- Benjamini-Hochberg ----------------------------------------------------------------------


def test_benjamini_hochberg_on_the_1995_example():
    """Benjamini & Hochberg (1995), section 4: 15 p-values, four rejected at q = 0.05."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.0000]  # fmt: skip
    shuffled = np.random.default_rng(0).permutation(15)
    adjusted = stats.benjamini_hochberg(np.array(p)[shuffled])
    by_hand = np.minimum.accumulate((np.array(p) * 15 / np.arange(1, 16))[::-1])[::-1]
    assert adjusted == pytest.approx(np.minimum(by_hand, 1)[shuffled], abs=1e-15)
    assert (adjusted <= 0.05).sum() == 4


def test_benjamini_hochberg_keeps_missing_values_out():
    adjusted = stats.benjamini_hochberg(pl.Series([0.01, None, 0.04, 0.03]))
    assert math.isnan(adjusted[1])
    assert adjusted[[0, 2, 3]] == pytest.approx([0.03, 0.04, 0.04])
    assert stats.benjamini_hochberg([]).size == 0


# --- smallest detectable correlation ---------------------------------------------------------


def test_min_detectable_correlation_against_cohen_and_by_inversion():
    # Cohen (1988), Table 3.4.1: r = .30 needs n = 84-85, r = .50 needs n = 28 (power .80)
    assert stats.min_detectable_correlation(85) == pytest.approx(0.30, abs=0.002)
    assert stats.min_detectable_correlation(28) == pytest.approx(0.50, abs=0.01)
    for n in (20, 99, 500):
        r = stats.min_detectable_correlation(n, power=0.9, alpha=0.01)
        power = sps.norm.cdf(math.atanh(r) * math.sqrt(n - 3) - sps.norm.ppf(0.995))
        assert power == pytest.approx(0.9, abs=1e-12)
    many = stats.min_detectable_correlation(np.array([3, 10, 100]))
    assert math.isnan(many[0]) and many[1] > many[2]


@pytest.mark.parametrize("n", [37, 64, 129, 700])  # within one block of counts; several
def test_counted_quartile_means_equal_the_expanded_resamples(n):
    """The O(B n) cumulative-count path gives the same quartile means as sorting every
    expanded resample (np.quantile, type 7), ties and duplicates included."""
    from loyalty.stats.association import _quartile_means, _quartile_means_counted

    rng = np.random.default_rng(3)
    by = np.round(rng.normal(size=n), 1)  # ties
    value = rng.uniform(1, 5, n)
    idx = rng.integers(0, n, size=(50, n))
    top, bottom, _, _ = _quartile_means(by[idx], value[idx])
    order = np.argsort(by, kind="stable")
    counts = np.stack([np.bincount(row, minlength=n) for row in idx]).astype(float)
    t2, b2 = _quartile_means_counted(by[order], value[order], counts[:, order])
    np.testing.assert_allclose(t2, top, rtol=1e-12)
    np.testing.assert_allclose(b2, bottom, rtol=1e-12)


def test_whole_counts_give_the_same_quartile_means_as_float_counts():
    """Counts drawn as 32-bit integers (half the memory traffic) give exactly the numbers of
    float counts: the cumulative counts are whole either way, and past 2**31 they add up in 64
    bits instead of wrapping around."""
    from loyalty.stats._resample import CountedSamples, resample_counts
    from loyalty.stats.association import _quartile_means_counted

    rng = np.random.default_rng(5)
    n = 41
    by = np.sort(np.round(rng.normal(size=n), 1))  # sorted, with ties
    value = rng.uniform(1, 5, n)
    floats = next(resample_counts(n, 60, np.random.default_rng(9)))
    whole = next(resample_counts(n, 60, np.random.default_rng(9), np.int32))
    assert whole.dtype == np.int32 and np.array_equal(whole, floats)
    for a, b in zip(
        _quartile_means_counted(by, value, floats),
        _quartile_means_counted(by, value, whole),
        strict=True,
    ):
        assert np.array_equal(a, b)
    # resamples of 3 billion draws each (two values drawn 1.5 billion times): cumulative
    # counts beyond 2**31 add up in 64 bits instead of wrapping around
    big = np.full((60, 2), 1_500_000_000, dtype=np.int32)
    drawn = CountedSamples(np.array([1.0, 2.0]), big)
    assert np.array_equal(drawn.size, np.full(60, 3e9))
    assert np.array_equal(drawn.below(np.full(60, 2)), np.full(60, 3_000_000_000))
    assert np.array_equal(drawn.quantile(0.25), np.full(60, 1.0))
    assert np.array_equal(drawn.quantile(0.75), np.full(60, 2.0))


def _quartile_ratio_at_10000_branches():
    import time

    rng = np.random.default_rng(0)
    by = rng.normal(size=10_000)
    frame = pl.DataFrame({"by": by, "value": 5 + by + rng.normal(size=10_000)})
    started = time.perf_counter()
    res = stats.quartile_ratio(frame, "by", "value", n_boot=2000)
    return res, time.perf_counter() - started


def test_quartile_ratio_at_10000_branches():
    res, _ = _quartile_ratio_at_10000_branches()
    assert res.n_boot == 2000 and res.ci[0] < res.ratio < res.ci[1]


@pytest.mark.perf
def test_quartile_ratio_timing_at_10000_branches():
    _, elapsed = _quartile_ratio_at_10000_branches()
    assert elapsed < 1.0, elapsed
