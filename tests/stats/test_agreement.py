"""Within-group agreement (rwg, rwg(j), awg, AD_M) against R's multilevel and by hand."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from loyalty import stats

BHR_ITEMS = ["AF06", "AF07", "AP12", "AP17", "AP33", "AP34", "AS14", "AS15", "AS16", "AS17", "AS28"]


@pytest.fixture(scope="module")
def bhr2000(reference_data):
    return pl.read_csv(reference_data / "bhr2000.csv")


@pytest.mark.reference
def test_rwg_j_matches_multilevel_on_bhr2000(bhr2000):
    assert bhr2000.columns[1:12] == BHR_ITEMS  # "columns 2-12" of the R data frame
    out = stats.rwg_j(bhr2000, BHR_ITEMS, "GRP", error_variance=2.0)
    values = out["rwg_j"].to_numpy()
    assert out.height == 99
    assert values.mean() == pytest.approx(0.8876115013, abs=1e-7)
    assert values.min() == pytest.approx(0.7858759, abs=1e-7)
    assert np.median(values) == pytest.approx(0.8924541, abs=1e-7)
    assert values.max() == pytest.approx(0.9439503, abs=1e-7)
    expected = [0.9009814854, 0.9222832134, 0.8868092553, 0.9033258315, 0.9014089727]
    assert values[:5] == pytest.approx(expected, abs=1e-7)
    assert out["n"].head(5).to_list() == [59, 45, 83, 26, 82]


@pytest.mark.reference
def test_rwg_of_relig_matches_multilevel(bhr2000):
    out = stats.rwg(bhr2000, "RELIG", "GRP", error_variance=2.0)
    assert out["rwg"].mean() == pytest.approx(0.1864221573, abs=1e-7)
    expected = [0.1104617183, 0.2636363636, 0.2181898325, 0.3192307692, 0.2206413731]
    assert out["rwg"].head(5).to_list() == pytest.approx(expected, abs=1e-7)


@pytest.mark.reference
def test_awg_matches_multilevel(bhr2000):
    out = stats.awg(bhr2000, BHR_ITEMS, "GRP", low=1, high=5)
    assert out["awg"].mean() == pytest.approx(0.4125488, abs=1e-7)
    assert out["awg"][0] == pytest.approx(0.4554209183, abs=1e-7)


@pytest.mark.reference
def test_ad_m_matches_multilevel(bhr2000):
    out = stats.ad_m(bhr2000, BHR_ITEMS, "GRP")
    assert out["ad_m"].mean() == pytest.approx(0.8690723, abs=1e-7)
    assert out["ad_m"][0] == pytest.approx(0.8481366379, abs=1e-7)


def test_rwg_by_hand_with_truncation_and_singletons():
    frame = pl.DataFrame(
        {
            "g": ["a", "a", "a", "b", "b", "b", "b", "c", "d", "d"],
            "v": [1.0, 2.0, 3.0, 1.0, 5.0, 1.0, 5.0, 4.0, 3.0, 3.0],
        }
    )
    out = stats.rwg(frame, "v", "g")
    assert out.columns == ["g", "rwg", "n"]
    assert out["g"].to_list() == ["a", "b", "c", "d"]
    # a: variance 1 -> 1 - 1/2; b: variance 16/3 > 2 -> truncated to 0; c: one rater; d: 1
    assert out["rwg"].to_list() == [0.5, 0.0, None, 1.0]
    assert out["n"].to_list() == [3, 4, 1, 2]
    seven_point = stats.rwg(frame, "v", "g", error_variance=(7**2 - 1) / 12)
    assert seven_point["rwg"][0] == pytest.approx(0.75)


def test_rwg_j_by_hand_listwise():
    frame = pl.DataFrame(
        {
            "g": [1, 1, 1, 1, 2, 2, 2],
            "i1": [1.0, 2.0, 3.0, 9.0, 1.0, 5.0, 3.0],
            "i2": [2.0, 2.5, 3.0, None, 5.0, 1.0, 3.0],
        }
    )
    out = stats.rwg_j(frame, ["i1", "i2"], "g")
    # group 1 (row with a missing item dropped): variances 1 and 0.25 -> S = 0.625 / 2
    s = 0.3125
    assert out["rwg_j"][0] == pytest.approx(2 * (1 - s) / (2 * (1 - s) + s))
    assert out["n"].to_list() == [3, 3]
    # group 2: variances 4 and 4 -> mean above 2 -> capped -> 0
    assert out["rwg_j"][1] == 0.0


def test_awg_by_hand():
    frame = pl.DataFrame(
        {
            "g": [1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5],
            "v": [1.0, 5.0, 3.0, 3.0, 3.0, 5.0, 5.0, 4.0, 5.0, 5.0, 2.0],
        }
    )
    out = stats.awg(frame, "v", "g", low=1, high=5)
    values = out["awg"].to_list()
    assert values[0] == pytest.approx(-1.0)  # 1 and 5: the largest variance possible
    assert values[1] == pytest.approx(1.0)  # full agreement
    assert values[2] == 1.0  # mean at the scale end
    assert values[3] is None  # mean 4.67 too close to the end for the index to be defined
    assert values[4] is None  # one rater


def test_awg_averages_the_defined_items():
    frame = pl.DataFrame(
        {"g": [1, 1, 1], "a": [2.0, 3.0, 4.0], "b": [4.0, 5.0, 5.0], "c": [3.0, 3.0, 3.0]}
    )
    out = stats.awg(frame, ["a", "b", "c"], "g", low=1, high=5)
    # item a: M 3, var 1, max var (6*3 - 9 - 5) * 3/2 = 6 -> 1 - 2/6; b undefined; c: 1
    assert out["awg"][0] == pytest.approx(((1 - 2 / 6) + 1) / 2)


def test_ad_m_by_hand_mean_and_median():
    frame = pl.DataFrame({"g": [1, 1, 1, 2], "a": [1.0, 2.0, 6.0, 3.0], "b": [2.0, 2.0, 2.0, 1.0]})
    out = stats.ad_m(frame, ["a", "b"], "g")
    assert out["ad_m"][0] == pytest.approx((2 + 1 + 3) / 3 / 2)
    assert out["ad_m"][1] is None
    assert stats.ad_m(frame, "a", "g", center="median")["ad_m"][0] == pytest.approx(5 / 3)
    with pytest.raises(ValueError):
        stats.ad_m(frame, "a", "g", center="mode")


def test_agreement_indices_are_bounded_on_random_data():
    rng = np.random.default_rng(2)
    frame = pl.DataFrame(
        {"g": np.repeat(np.arange(40), 6), **{f"i{k}": rng.integers(1, 6, 240) for k in range(4)}}
    ).cast({f"i{k}": pl.Float64 for k in range(4)})
    items = [f"i{k}" for k in range(4)]
    r = stats.rwg_j(frame, items, "g")["rwg_j"].to_numpy()
    a = stats.awg(frame, items, "g", 1, 5)["awg"].drop_nulls().to_numpy()
    assert ((r >= 0) & (r <= 1)).all()
    assert ((a >= -1) & (a <= 1)).all()
    assert not math.isnan(stats.ad_m(frame, items, "g")["ad_m"].mean())
