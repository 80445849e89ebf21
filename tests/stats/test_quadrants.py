from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from loyalty.stats import quadrants as quadrants_module
from loyalty.stats.quadrants import median_split


def test_quadrant_means_on_a_known_layout():
    # 4 branches per quadrant; returns 1, 2, 3, 4 by quadrant
    e = np.repeat([1.0, 1.0, 2.0, 2.0], 4) + np.tile([0, 0.01, 0.02, 0.03], 4)
    l = np.repeat([1.0, 2.0, 1.0, 2.0], 4)  # noqa: E741
    r = np.repeat([4.0, 3.0, 2.0, 1.0], 4)  # low-low, low-high, high-low, high-high
    frame = pl.DataFrame({"e": e, "l": l, "r": r})
    out = {row["quadrant"]: row for row in median_split(frame, "e", "l", "r").iter_rows(named=True)}
    assert out["low_low"]["mean"] == 4.0 and out["low_low"]["n"] == 4
    assert out["low_high"]["mean"] == 3.0
    assert out["high_low"]["mean"] == 2.0
    assert out["high_high"]["mean"] == 1.0
    assert sum(row["n"] for row in out.values()) == 16 == out["high_high"]["n_total"]
    assert out["high_high"]["x_high"] and out["high_high"]["y_high"]
    # multipliers against the other three quadrants: 1 / mean(4, 3, 2) and 4 / mean(3, 2, 1)
    assert out["high_high"]["vs_rest"] == pytest.approx(1 / 3)
    assert out["low_low"]["vs_rest"] == pytest.approx(2.0)


# a resample that does not draw the infinite row weighs it 0 × inf (NaN, warned by numpy)
@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")
def test_an_infinite_value_stays_in_its_own_quadrant():
    """Sums are taken by multiplying with each quadrant's mask: an infinite value must not
    enter the other quadrants as inf × 0 (NaN), in the estimate or in the resamples."""
    e = np.repeat([1.0, 1.0, 2.0, 2.0], 4) + np.tile([0, 0.01, 0.02, 0.03], 4)
    l = np.repeat([1.0, 2.0, 1.0, 2.0], 4)  # noqa: E741
    r = np.repeat([4.0, 3.0, 2.0, 1.0], 4)
    r[-1] = np.inf  # one high-high branch
    frame = pl.DataFrame({"e": e, "l": l, "r": r})
    out = {q["quadrant"]: q for q in median_split(frame, "e", "l", "r").iter_rows(named=True)}
    assert out["high_high"]["mean"] == np.inf
    for q, mean in (("low_low", 4.0), ("low_high", 3.0), ("high_low", 2.0)):
        assert out[q]["mean"] == mean
        assert np.isfinite(out[q]["ci_low"]) and np.isfinite(out[q]["ci_high"])


def test_multiplier_has_a_bootstrap_interval_around_it_and_needs_a_positive_rest():
    rng = np.random.default_rng(7)
    n = 400
    e = rng.normal(size=n)
    l = 0.6 * e + rng.normal(size=n)  # noqa: E741
    r = 4 + 0.8 * e + 0.8 * l + rng.normal(size=n)
    hh = median_split(pl.DataFrame({"e": e, "l": l, "r": r}), "e", "l", "r", n_boot=500, seed=2)
    row = hh.filter(pl.col("quadrant") == "high_high").row(0, named=True)
    e_high, l_high = e > np.median(e), l > np.median(l)
    inside = e_high & l_high
    assert row["vs_rest"] == pytest.approx(r[inside].mean() / r[~inside].mean())
    assert row["vs_rest_low"] < row["vs_rest"] < row["vs_rest_high"]
    assert row["vs_rest"] > 1 and row["n_boot"] == 500
    negative = median_split(pl.DataFrame({"e": e, "l": l, "r": r - 100}), "e", "l", "r", n_boot=50)
    assert negative["vs_rest"].is_nan().all()  # no ratio against a loss


def test_intervals_cover_the_estimate_and_shrink_with_n():
    rng = np.random.default_rng(4)

    def make(n):
        e = rng.normal(size=n)
        l = 0.6 * e + rng.normal(size=n)  # noqa: E741
        return pl.DataFrame({"e": e, "l": l, "r": 5 + l + rng.normal(size=n)})

    small = median_split(make(80), "e", "l", "r", n_boot=1000, seed=1)
    large = median_split(make(2000), "e", "l", "r", n_boot=1000, seed=1)
    for table in (small, large):
        assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()
    width = lambda t: (t["ci_high"] - t["ci_low"]).mean()  # noqa: E731
    assert width(large) < width(small) / 3
    hh = large.filter(pl.col("quadrant") == "high_high")["mean"][0]
    ll = large.filter(pl.col("quadrant") == "low_low")["mean"][0]
    assert hh > ll + 1


def test_seeded_and_missing_values_dropped():
    frame = pl.DataFrame(
        {"e": [1.0, 2, 3, 4, 5, 6, 7, 8, None], "l": [1.0, 6, 2, 7, 3, 8, 4, 5, 1], "r": [1.0] * 9}
    )
    a = median_split(frame, "e", "l", "r", n_boot=200, seed=3)
    assert a.equals(median_split(frame, "e", "l", "r", n_boot=200, seed=3))
    assert a["n_total"][0] == 8 and a["n"].to_list() == [2, 2, 2, 2]
    assert a["mean"].to_list() == pytest.approx([1.0] * 4)


def test_median_split_names_x_and_y_and_knows_no_domain_column():
    rng = np.random.default_rng(2)
    frame = pl.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)}).with_columns(
        v=pl.col("a") + pl.col("b")
    )
    split = median_split(frame, "a", "b", "v", n_boot=300, seed=4)
    assert split.columns == ["quadrant", "x_high", "y_high", "n", "mean", "ci_low", "ci_high",
                             "n_total", "vs_rest", "vs_rest_low", "vs_rest_high",
                             "n_boot"]  # fmt: skip
    hh = split.filter(pl.col("quadrant") == "high_high")
    assert hh["x_high"][0] and hh["y_high"][0] and hh["mean"][0] > 0
    lines = Path(quadrants_module.__file__).read_text(encoding="utf-8").lower().splitlines()
    source = "\n".join(line for line in lines if not line.startswith(("from ", "import ")))
    for word in ("engagement", "loyalty", "nps", "ros", "branch"):
        assert word not in source, word


@pytest.mark.parametrize("n", [9, 40, 121])
def test_counted_quadrant_means_equal_the_expanded_resamples(n):
    """The count path (medians from cumulative counts, count-weighted sums) gives each
    resample the same quadrant means and multipliers as expanding it and taking np.median,
    ties and odd and even sizes included."""
    rng = np.random.default_rng(n)
    x = np.round(rng.normal(size=n), 1)  # ties, also at the median
    y = np.round(0.5 * x + rng.normal(size=n), 1)
    v = 4 + x + y + rng.normal(size=n)
    idx = rng.integers(0, n, size=(60, n))
    counts = np.stack([np.bincount(row, minlength=n) for row in idx]).astype(float)
    orders = (np.argsort(x, kind="stable"), np.argsort(y, kind="stable"))
    counted = quadrants_module._counted_quadrant_means(x, y, v, counts, orders)
    expanded = quadrants_module._quadrant_means(x[idx], y[idx], v[idx])
    for q in quadrants_module.QUADRANTS:
        mean, _, ratio = expanded[q]
        np.testing.assert_allclose(counted[q][0], mean, rtol=1e-12)
        np.testing.assert_allclose(counted[q][2], ratio, rtol=1e-12)


def test_an_empty_quadrant_has_no_mean_also_when_its_sum_is_a_difference():
    """The quadrants other than high-high are sums by difference; an empty one must give a
    missing mean (0 / 0), not a rounding rest over 0 (inf)."""
    # x and y in opposite order: high-high and low-low are empty; 0.1 + 0.2 leaves a rest
    out = quadrants_module._quadrant_means(
        np.array([1.0, 2.0]), np.array([2.0, 1.0]), np.array([0.1, 0.2])
    )
    for q in ("high_high", "low_low"):
        mean, n, ratio = out[q]
        assert n == 0 and np.isnan(mean) and np.isnan(ratio), q
    assert out["high_low"][0] == 0.2 and out["low_high"][0] == 0.1
