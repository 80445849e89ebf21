"""The regression-adjusted difference-in-differences against statsmodels' OLS, and its
bootstrap: n per side, the minimum sizes, the naive before/after change."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from loyalty import stats
from loyalty.stats.differences import MIN_CONTROL, MIN_TREATED


def _frame(n: int = 200, effect: float = 0.5, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pre = rng.normal(0, 1, n)
    treated = (pre + rng.normal(0, 1, n) < -0.5).astype(int)  # the low ones choose it
    region = rng.choice(["Nord", "Süd", "Ost"], n)
    change = -0.6 * pre + effect * treated + (region == "Süd") * 0.3 + rng.normal(0, 0.3, n)
    return pl.DataFrame(
        {
            "unit": [f"U{i}" for i in range(n)],
            "treated": treated,
            "pre": pre,
            "region": region,
            "change": change,
        }  # fmt: skip
    )


def test_point_estimate_is_the_ols_coefficient():
    frame = _frame()
    res = stats.did(frame, "change", "treated", ["pre"], ["region"], cluster="unit", n_boot=300)
    pdf = frame.to_pandas()
    design = sm.add_constant(
        pdf[["treated", "pre"]].assign(
            pre=(pdf.pre - pdf.pre.mean()) / pdf.pre.std(ddof=0),
            ost=(pdf.region == "Ost") * 1.0,
            sud=(pdf.region == "Süd") * 1.0,
        )
    )
    ols = sm.OLS(pdf.change, design).fit()
    assert res.estimate == pytest.approx(ols.params["treated"], abs=1e-4)
    # the percentile interval is near the OLS interval (same data, a bootstrap)
    low, high = ols.conf_int().loc["treated"]
    assert res.ci[0] == pytest.approx(low, abs=0.06) and res.ci[1] == pytest.approx(high, abs=0.06)
    assert res.ci[0] < 0.5 < res.ci[1]
    assert (res.n_treated, res.n_control) == (
        int(frame["treated"].sum()),
        int((frame["treated"] == 0).sum()),
    )


def test_naive_before_after_carries_regression_to_the_mean():
    res = stats.did(_frame(n=600), "change", "treated", ["pre"], cluster="unit", n_boot=300)
    assert res.ci[0] < 0.5 < res.ci[1]
    assert res.naive_ci[0] > 0.5  # the low ones rebound: before/after overstates the effect


def test_too_few_units_give_no_estimate():
    frame = _frame(n=40)
    few = frame.filter((pl.col("treated") == 0) | (pl.col("unit").is_in(["U1", "U2"])))
    few = few.with_columns(pl.when(pl.col("unit") == "U1").then(1).otherwise(pl.col("treated"))
                           .alias("treated"))  # fmt: skip
    res = stats.did(few, "change", "treated", ["pre"], cluster="unit", n_boot=100)
    assert res.n_treated < MIN_TREATED and not res.enough
    assert np.isnan(res.estimate) and np.isnan(res.ci[0])
    only = frame.filter(pl.col("treated") == 1).head(MIN_CONTROL + 3)
    res = stats.did(
        pl.concat([only, frame.filter(pl.col("treated") == 0).head(MIN_CONTROL - 1)]),
        "change",
        "treated",
        ["pre"],
        cluster="unit",
        n_boot=100,
    )
    assert res.n_control == MIN_CONTROL - 1 and np.isnan(res.estimate)


def test_a_unit_in_two_stacks_is_resampled_whole_and_counted_once():
    frame = _frame(n=120)
    stacked = pl.concat(
        [
            frame.with_columns(pl.lit("a").alias("stack")),
            frame.with_columns(pl.lit("b").alias("stack")),
        ]
    )
    res = stats.did(stacked, "change", "treated", ["pre"], ["stack"], cluster="unit", n_boot=200)
    assert res.n_rows == 240 and res.n_treated + res.n_control == 120
    single = stats.did(frame, "change", "treated", ["pre"], cluster="unit", n_boot=200)
    assert res.estimate == pytest.approx(single.estimate)


def test_bootstrap_from_unit_moments_equals_refitting_every_resample_row_by_row():
    """The interval comes from each unit's own moments times its draw count; refitting every
    resample on its rows, each row weighted by how often its unit was drawn, gives the same."""
    from loyalty.stats.differences import _RIDGE, _design, _stratum_columns
    from loyalty.stats.intervals import percentile_interval

    frame = _frame(n=90, seed=4)
    stacked = pl.concat([frame.with_columns(pl.lit(s).alias("stack")) for s in "abc"]).filter(
        (pl.col("stack") != "c") | (pl.col("unit").str.slice(1).cast(pl.Int64) % 3 == 0)
    )
    res = stats.did(stacked, "change", "treated", ["pre"], ["stack", "region"], "unit", 150, 7)

    indicators = _stratum_columns(stacked, ["stack", "region"])
    cols, ridge = _design(stacked, "treated", ["pre"], indicators)
    x = np.column_stack(cols)
    assert x.shape[1] == 3 + 2 + 2  # constant, treated, pre; stacks b, c; regions Ost, Süd
    assert ridge.max() == _RIDGE
    y = stacked["change"].to_numpy()
    units = stacked["unit"].to_numpy()
    treated = stacked["treated"].to_numpy() == 1
    ever = np.unique(units[treated])
    order = list(ever) + list(np.setdiff1d(np.unique(units), ever))
    rng = np.random.default_rng(7)
    sides = (len(ever), len(order) - len(ever))
    # each side's resamples: row b draws k indices from rng (the same stream as in did)
    counts = np.concatenate(
        [np.stack([np.bincount(rng.integers(0, k, k), minlength=k) for _ in range(150)])
         for k in sides], axis=1)  # fmt: skip
    row = np.array([order.index(u) for u in units])
    draws, naive = [], []
    for c in counts:
        w = c[row]
        xw = x * w[:, None]
        draws.append(np.linalg.solve(xw.T @ x + np.diag(ridge), xw.T @ y)[1])
        naive.append((w[treated] @ y[treated]) / w[treated].sum())
    assert res.ci == pytest.approx(percentile_interval(np.array(draws), 0.95), rel=1e-6)
    assert res.naive_ci == pytest.approx(percentile_interval(np.array(naive), 0.95), rel=1e-9)
    assert res.n_rows == stacked.height and res.n_treated == len(ever)


def test_every_comparison_unit_treated_in_another_stack():
    """A rollout that reached every unit: each unit is treated in one stack and compared in
    another, so no unit is never treated. All units are then resampled as one side, and the
    interval is that of refitting every resample."""
    from loyalty.stats.intervals import percentile_interval

    rng = np.random.default_rng(0)
    units, treated = np.repeat(np.arange(8), 2), np.tile([1, 0], 8)
    frame = pl.DataFrame(
        {"unit": units, "treated": treated, "pre": rng.normal(size=16),
         "change": rng.normal(size=16) + treated}
    )  # fmt: skip
    res = stats.did(frame, "change", "treated", ["pre"], cluster="unit", n_boot=200, seed=3)
    assert (res.n_treated, res.n_control) == (8, 8)
    x = np.column_stack([np.ones(16), treated, frame["pre"].to_numpy()])
    y = frame["change"].to_numpy()
    assert res.estimate == pytest.approx(np.linalg.lstsq(x, y, rcond=None)[0][1], rel=1e-9)
    draws = np.random.default_rng(3)
    refits = []
    for _ in range(200):
        w = np.bincount(draws.integers(0, 8, 8), minlength=8)[units]
        refits.append(np.linalg.solve((x * w[:, None]).T @ x, (x * w[:, None]).T @ y)[1])
    assert res.ci == pytest.approx(percentile_interval(np.array(refits), 0.95), rel=1e-9)


def test_outcomes_of_the_same_units_share_the_work_and_give_each_its_own_result():
    """did_many over several outcomes equals one did per outcome, also where one outcome
    misses values (its rows differ: its own resamples), and shares a covariate column."""
    from loyalty.stats.differences import did_many

    frame = _frame(n=150, seed=5)
    rng = np.random.default_rng(9)
    frame = pl.concat([frame.with_columns(pl.lit(s).alias("stack")) for s in "ab"]).with_columns(
        change2=pl.col("change") * 0.5 + pl.Series(rng.normal(0, 0.2, 300)),
        pre2=pl.Series(rng.normal(0, 1, 300)),
        # a third outcome with gaps: its own rows, so its own units and resamples
        change3=pl.when(pl.Series(rng.random(300)) < 0.2).then(None).otherwise(pl.col("change")),
    )
    outcomes = [
        ("change", ["pre"]),
        ("change2", ["pre2", "pre"]),
        ("change3", ["pre", "pre"]),  # a covariate twice: counted once, as did does
    ]
    strata = ["stack", "region"]
    together = did_many(frame, outcomes, "treated", strata, "unit", 300, 3)
    for (change, covariates), res in zip(outcomes, together, strict=True):
        alone = stats.did(frame, change, "treated", covariates, strata, "unit", 300, 3)
        assert res.estimate == pytest.approx(alone.estimate, rel=1e-12)
        assert res.ci == pytest.approx(alone.ci, rel=1e-9)
        assert res.naive_ci == pytest.approx(alone.naive_ci, rel=1e-12)
        assert (res.n_treated, res.n_control, res.n_rows) == (
            alone.n_treated,
            alone.n_control,
            alone.n_rows,
        )
    assert together[2].n_rows < together[0].n_rows  # the gaps left rows out
    assert together[0].estimate != together[1].estimate


def test_each_units_cross_products_are_its_rows_summed_in_every_block(monkeypatch):
    """Units of 1 to 6 rows in no order, a unit without rows, indicator columns never
    nonzero together: each unit's upper triangle of Z'Z, also when the units are laid side
    by side in several blocks."""
    from loyalty.stats import _resample

    rng = np.random.default_rng(3)
    unit = np.repeat(np.arange(40), rng.integers(1, 7, 40))
    unit = np.where(unit == 17, 18, unit)  # unit 17: no row
    rng.shuffle(unit)
    level = rng.integers(0, 3, len(unit))
    z = np.column_stack(
        [np.ones(len(unit)), rng.normal(size=len(unit)), level == 1, level == 2]
    ).astype(float)
    i, j = np.triu_indices(z.shape[1])
    expected = np.zeros((41, len(i)))
    for u in range(41):
        rows = z[unit == u]
        expected[u] = (rows.T @ rows)[i, j]
    for cells in (_resample.BLOCK_CELLS, 50):  # one block; a few units per block
        monkeypatch.setattr(_resample, "BLOCK_CELLS", cells)
        got = _resample.unit_cross_products(z, unit, 41)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        assert not got[17].any() and not got[40].any()
        assert not got[
            :, list(zip(i, j, strict=True)).index((2, 3))
        ].any()  # two levels: never together
