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
