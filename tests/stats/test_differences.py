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
